"""_item_set.converge: items a parallel run created at the same time are left once."""

from __future__ import annotations

from ansible_collections.bitbucket.datacenter.plugins.module_utils._item_set import ItemSet, concurrent_duplicates, converge
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleContext


def no_client(_params, trace=None):
    raise AssertionError("converge() must go through the item set")


class FakeScope:
    """Items of one scope; ``others`` are created by a parallel run right after our create."""

    def __init__(self, items, others=()):
        self.items = [dict(item) for item in items]
        self.others = [dict(item) for item in others]
        self.calls = []
        self.next_id = 100

    def read(self):
        self.calls.append(("read",))
        return [dict(item) for item in self.items]

    def create(self, want):
        self.calls.append(("create", want["branch"]))
        self.next_id += 1
        created = dict(want, id=self.next_id)
        self.items.append(created)
        self.items.extend(self.others)
        self.others = []
        return dict(created)

    def delete(self, have):
        self.calls.append(("delete", have["id"]))
        self.items = [item for item in self.items if item["id"] != have["id"]]

    def item_set(self):
        return ItemSet(read=self.read, key=lambda item: (item["type"], item["branch"]), equal=lambda have, want: have["groups"] == want["groups"],
                       create=self.create, delete=self.delete)


def want(branch, groups=()):
    return {"type": "no-deletes", "branch": branch, "groups": list(groups)}


def test_a_create_that_a_parallel_run_made_too_keeps_the_lowest_id():
    # A parallel run made the same restriction (id 7) while this one made id 101: both see both; 7 stays.
    scope = FakeScope([], others=[dict(want("main"), id=7)])

    changed, _before, after = converge(ModuleContext({}, client_factory=no_client), scope.item_set(), [want("main")])

    assert changed is True
    assert after == [dict(want("main"), id=7)]
    assert scope.calls == [("read",), ("create", "main"), ("read",), ("delete", 101), ("read",)]


def test_a_run_without_a_parallel_create_reads_once_at_the_end():
    scope = FakeScope([])

    converge(ModuleContext({}, client_factory=no_client), scope.item_set(), [want("main")])

    assert scope.calls == [("read",), ("create", "main"), ("read",)]


def test_of_duplicates_the_declared_one_stays_even_with_a_higher_id():
    items = [dict(want("main", ["other"]), id=3), dict(want("main", ["devs"]), id=9), dict(want("dev"), id=4)]

    extra = concurrent_duplicates(FakeScope(items).item_set(), items, [want("main", ["devs"]), want("dev")])

    assert [item["id"] for item in extra] == [3]
