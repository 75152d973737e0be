"""A queryset that Django compiles once per process and runs again with other keys.

Building and compiling a queryset with subqueries costs Django more than PostgreSQL needs to
answer it: the team page's read for access took 3 ms to compile and 1.2 ms to run (issue 17),
on every request of the page and of each of its sections. ``CompiledQuery`` keeps the
queryset as the one statement of the rule (no SQL written by hand beside it): it is built once
with sentinel keys, compiled, and later runs replace the sentinels among the parameters by the
request's keys, turning rows into model instances as Django's own iterator does.

Keys are whole numbers, or dates, times and text declared as such (``now=dt.datetime``,
``key=str``, the session's in lkt.core.sessions), and are replaced only where they are the
parameter: a queryset that would fold a key into its SQL text, compute with it (``now - 12
hours``: pass the result as the key), change it (``__contains``) or use it twice in one
parameter cannot be compiled so, and ``compile`` refuses it, as it refuses one that reads the
clock itself (a date among its parameters that is no key). Nor may it read settings that
change after startup, since it is compiled once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ValuesListIterable, get_related_populators
from django.db.models.sql import InsertQuery

M = TypeVar("M", bound=Model)

# Keys no row has (primary keys are positive; no date in LKT is that old; no text of ours
# holds a control character), one per name.
_SENTINEL_BASE = -7_300_000_000
_SENTINEL_DAY = dt.date(1901, 1, 1)
_SENTINEL_TIME = dt.datetime(1901, 1, 1, tzinfo=dt.UTC)
_SENTINEL_TEXT = "\x1fcompiled-query-key-"


class CompiledQuery(Generic[M]):
    """``build(**keys)`` gives the queryset for keys passed by name; ``first(**keys)`` runs it
    for its first row, ``all(**keys)`` for every row (up to the queryset's own slice), and
    ``rows(**keys)`` gives a ``values_list()`` queryset's rows as tuples (an aggregate per
    group). The queryset may not prefetch: prefetching is more queries, which this does not
    run."""

    def __init__(
        self,
        build: Callable[..., QuerySet[M]],
        *keys: str,
        using: str = "default",
        **typed: type[dt.date] | type[str],
    ):
        self._build = build
        self._using = using
        ops = connections[using].ops
        # name → (the sentinel, how a key of its kind becomes the parameter Django passes)
        self._keys: dict[str, tuple[Any, Callable[[Any], Any]]] = {
            name: (_SENTINEL_BASE - i, int) for i, name in enumerate(keys)
        }
        for i, (name, kind) in enumerate(typed.items()):
            if kind is dt.datetime:
                sentinel: Any = _SENTINEL_TIME + dt.timedelta(microseconds=i)
                self._keys[name] = (sentinel, ops.adapt_datetimefield_value)
            elif kind is dt.date:
                self._keys[name] = (_SENTINEL_DAY + dt.timedelta(days=i), ops.adapt_datefield_value)
            elif kind is str:
                self._keys[name] = (f"{_SENTINEL_TEXT}{i}", str)
            else:
                raise TypeError(f"{name}: a key is a whole number, a date, a datetime or a str")
        self._compiled: dict[bool, _Compiled[M]] = {}

    def first(self, **keys: Any) -> M | None:
        compiled = self._compiled.get(True) or self._compile(first=True)
        with connections[self._using].cursor() as cursor:
            cursor.execute(compiled.sql, self._params(compiled, keys))
            row = cursor.fetchone()
        return None if row is None else compiled.instances([row])[0]

    def all(self, **keys: Any) -> list[M]:
        compiled = self._compiled.get(False) or self._compile(first=False)
        with connections[self._using].cursor() as cursor:
            cursor.execute(compiled.sql, self._params(compiled, keys))
            rows = cursor.fetchall()
        return compiled.instances(rows)

    def rows(self, **keys: Any) -> list[tuple[Any, ...]]:
        compiled = self._compiled.get(False) or self._compile(first=False)
        if not compiled.tuples:
            raise ValueError("rows() is for a values_list() queryset: use all() or first()")
        with connections[self._using].cursor() as cursor:
            cursor.execute(compiled.sql, self._params(compiled, keys))
            return compiled.converted(cursor.fetchall())

    def _params(self, compiled: _Compiled[M], keys: dict[str, Any]) -> list[Any]:
        if keys.keys() != self._keys.keys():
            raise TypeError(f"keys {sorted(keys)}, expected {sorted(self._keys)}")
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = self._keys[name][1](keys[name])
        return params

    def _compile(self, *, first: bool) -> _Compiled[M]:
        queryset = self._build(**{name: sentinel for name, (sentinel, _) in self._keys.items()})
        if getattr(queryset, "_prefetch_related_lookups", ()):  # private in django-stubs
            raise ValueError("a compiled query runs one statement: it cannot prefetch")
        if first:
            queryset = queryset[:1]
        # Private in django-stubs: a values_list()'s fields and how its rows are made.
        fields = getattr(queryset, "_fields", None)
        tuples = getattr(queryset, "_iterable_class", None) is ValuesListIterable
        if fields is not None:
            # A values_list() row is its columns in the order of _fields; Django reorders them
            # when annotations come between (ValuesListIterable), which this does not; nor does
            # it make dicts (values()), flat values or named tuples.
            query = queryset.query
            if not tuples or list(fields) != [*query.values_select, *query.annotation_select]:
                raise ValueError("a compiled values_list() names its fields, then annotations")
        compiler = queryset.query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        # A sentinel as Django passes it (SQLite's dates are strings).
        names = {prepare(sentinel): name for name, (sentinel, prepare) in self._keys.items()}
        slots = [(i, names[p]) for i, p in enumerate(params) if _may_be_key(p) and p in names]
        missing = set(self._keys) - {name for _, name in slots}
        if missing or any(str(value) in sql for value in names):
            raise ValueError(f"keys not passed as parameters: {sorted(missing) or 'in the SQL'}")
        # A date that is no key was read when the queryset was built: compiled, it would stay
        # that day's (PostgreSQL passes dates as such; SQLite's strings escape this check).
        if any(isinstance(p, dt.date) and p not in names for p in params):
            raise ValueError("the queryset reads the clock: pass the day or time as a key")
        self._compiled[first] = _Compiled(compiler, sql, tuple(params), slots, tuples=tuples)
        return self._compiled[first]


class CompiledInsert:
    """A row of ``model`` inserted by a statement compiled once: the audit row every page
    writes (``lkt.core.audit``) cost Django longer to build than PostgreSQL to store. Every
    column but the key is written, a value not given taken from its field's default; values are
    prepared by their fields as ``save`` prepares them. Nothing is returned, and no signal is
    sent, as with ``bulk_create``."""

    def __init__(self, model: type[Model], using: str = "default"):
        self._model = model
        self._fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        self._using = using
        self._sql: str | None = None

    def insert(self, **values: Any) -> None:
        unknown = values.keys() - {field.name for field in self._fields}
        if unknown:
            raise TypeError(f"{self._model.__name__} has no column {sorted(unknown)}")
        connection = connections[self._using]
        if self._sql is None:
            query = InsertQuery(self._model)
            query.insert_values(self._fields, [self._model()])
            ((self._sql, _),) = query.get_compiler(using=self._using).as_sql()
        params = [
            field.get_db_prep_save(
                values[field.name] if field.name in values else field.get_default(), connection
            )
            for field in self._fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(self._sql, params)


def _may_be_key(value: Any) -> bool:
    return isinstance(value, int | str | dt.date)


class _Compiled(Generic[M]):
    """The SQL and how a row becomes an instance, as ``django.db.models.query.ModelIterable``
    does it: the model's columns, the related objects of ``select_related``, annotations."""

    def __init__(
        self, compiler: Any, sql: str, params: tuple[Any, ...], slots: list[Any], *, tuples: bool
    ):
        self.sql, self.params, self.slots = sql, params, slots
        self._compiler = compiler
        select, klass_info = compiler.select, compiler.klass_info
        self._converters = compiler.get_converters([col for col, _, _ in select])
        # A values_list() queryset has no model to build: its rows are tuples (``rows``).
        self.tuples = tuples
        if tuples:
            return
        fields = klass_info["select_fields"]
        self._start, self._end = fields[0], fields[-1] + 1
        self._model: type[M] = klass_info["model"]
        self._init_list = [f[0].target.attname for f in select[self._start : self._end]]
        # django-stubs already types Django 6.0's extra argument; 5.2 takes three.
        self._populators = get_related_populators(klass_info, select, compiler.using)  # type: ignore[call-arg]
        self._annotations = list(compiler.annotation_col_map.items())

    def converted(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The rows as Django gives them: each column through its field's converters."""
        if not self._converters:
            return rows
        return [tuple(row) for row in self._compiler.apply_converters(rows, self._converters)]

    def instances(self, rows: list[tuple[Any, ...]]) -> list[M]:
        if self.tuples:
            raise ValueError("a values_list() queryset gives rows(), not instances")
        rows = self.converted(rows)
        objects = []
        for row in rows:
            obj = self._model.from_db(
                self._compiler.using, self._init_list, row[self._start : self._end]
            )
            for populator in self._populators:
                populator.populate(row, obj)
            for name, position in self._annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects
