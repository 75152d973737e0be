"""Evaluation (element E): plan periods, evaluation meetings and what the team learnt."""
