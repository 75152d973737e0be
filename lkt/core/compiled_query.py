"""A queryset that Django compiles once per process and runs again with other keys.

Building and compiling a queryset with subqueries costs Django more than PostgreSQL needs to
answer it: the team page's read for access took 3 ms to compile and 1.2 ms to run (issue 17),
on every request of the page and of each of its sections. ``CompiledQuery`` keeps the
queryset as the one statement of the rule (no SQL written by hand beside it): it is built once
with sentinel keys, compiled, and later runs replace the sentinels among the parameters by the
request's keys, turning rows into model instances as Django's own iterator does.

Only whole-number keys are replaced, and only where they are the parameter: a queryset that
would fold a key into its SQL text, or use it twice in one parameter, cannot be compiled so,
and ``compile`` refuses it. The queryset must not read the clock or settings that change after
startup, since it is compiled once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)

# Keys no row has (primary keys are positive), one per name.
_SENTINEL_BASE = -7_300_000_000


class CompiledQuery(Generic[M]):
    """``build(**keys)`` gives the queryset for keys passed by name; ``first(**keys)`` runs it."""

    def __init__(self, build: Callable[..., QuerySet[M]], *keys: str, using: str = "default"):
        self._build = build
        self._sentinels = {name: _SENTINEL_BASE - i for i, name in enumerate(keys)}
        self._using = using
        self._compiled: _Compiled[M] | None = None

    def first(self, **keys: int) -> M | None:
        compiled = self._compiled or self._compile()
        if keys.keys() != self._sentinels.keys():
            raise TypeError(f"keys {sorted(keys)}, expected {sorted(self._sentinels)}")
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = int(keys[name])
        with connections[self._using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        return None if row is None else compiled.instance(row)

    def _compile(self) -> _Compiled[M]:
        queryset = self._build(**self._sentinels)[:1]
        compiler = queryset.query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        names = {value: name for name, value in self._sentinels.items()}
        slots = [(i, names[p]) for i, p in enumerate(params) if p in names]
        missing = set(self._sentinels) - {name for _, name in slots}
        if missing or any(str(value) in sql for value in names):
            raise ValueError(f"keys not passed as parameters: {sorted(missing) or 'in the SQL'}")
        self._compiled = _Compiled(compiler, sql, tuple(params), slots)
        return self._compiled


class _Compiled(Generic[M]):
    """The SQL and how a row becomes an instance, as ``django.db.models.query.ModelIterable``
    does it: the model's columns, the related objects of ``select_related``, annotations."""

    def __init__(self, compiler: Any, sql: str, params: tuple[Any, ...], slots: list[Any]):
        self.sql, self.params, self.slots = sql, params, slots
        self._compiler = compiler
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        self._start, self._end = fields[0], fields[-1] + 1
        self._model: type[M] = klass_info["model"]
        self._init_list = [f[0].target.attname for f in select[self._start : self._end]]
        # django-stubs already types Django 6.0's extra argument; 5.2 takes three.
        self._populators = get_related_populators(klass_info, select, compiler.using)  # type: ignore[call-arg]
        self._annotations = list(compiler.annotation_col_map.items())
        self._converters = compiler.get_converters([col for col, _, _ in select])

    def instance(self, row: tuple[Any, ...]) -> M:
        if self._converters:
            row = next(iter(self._compiler.apply_converters([row], self._converters)))
        obj = self._model.from_db(
            self._compiler.using, self._init_list, row[self._start : self._end]
        )
        for populator in self._populators:
            populator.populate(row, obj)
        for name, position in self._annotations:
            setattr(obj, name, row[position])
        return obj
