"""Tests of the {tier} role of hsct_ms.build.sphinx_ext, parsed by docutils itself.

Oracle: hsct_ms.terms.TIERS (names and meanings are defined there once)."""

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import roles

from hsct_ms import terms
from hsct_ms.build.sphinx_ext import tier_role


@pytest.fixture(autouse=True)
def registered_role():
    roles.register_local_role("tier", tier_role)


@pytest.mark.parametrize("tier", terms.TIERS, ids=lambda t: t.key)
def test_badge_names_the_tier_and_explains_it(tier):
    doctree = publish_doctree(f"The value :tier:`{tier.key}` here.")
    (badge,) = [n for n in doctree.findall(nodes.inline) if "tier" in n["classes"]]
    assert badge.astext() == tier.name
    assert f"tier-{tier.key}" in badge["classes"]
    assert badge["title"].startswith(f"Tier {tier.number}: ")


def test_unknown_tier_is_an_error():
    doctree = publish_doctree(":tier:`reproduced`", settings_overrides={"report_level": 5})
    messages = [n.astext() for n in doctree.findall(nodes.system_message)]
    assert any("unknown tier 'reproduced'" in m for m in messages)
