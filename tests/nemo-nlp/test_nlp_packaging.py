"""nemo-nlp installs as a well-formed distribution of the NeMo ecosystem."""

from __future__ import annotations


def test_distribution_contract(distribution_contract):
    distribution_contract("nemo-nlp", "nemo.collections.nlp")
