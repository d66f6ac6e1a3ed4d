"""Sequential, ModuleList and ModuleDict: the same operations on neuronlab's and PyTorch's
containers give the same children, names, state_dict keys and repr."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
import torch

import neuronlab as nl
import neuronlab.nn as nn


def layers(m):
    """Five distinguishable layers built with ``m`` = ``torch.nn`` or ``neuronlab.nn``."""
    return [m.Linear(2, 3), m.ReLU(), m.Linear(3, 4), m.Tanh(), m.Linear(4, 1)]


def assert_same_structure(ours, theirs):
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]


# -- Sequential -----------------------------------------------------------------------------------
def test_sequential_construction_and_forward():
    ours, theirs = nn.Sequential(*layers(nn)), torch.nn.Sequential(*layers(torch.nn))
    assert_same_structure(ours, theirs)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((6, 2)).astype(np.float32)
    np.testing.assert_allclose(ours(nl.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)  # fmt: skip


def test_sequential_from_ordered_dict():
    def build(m):
        return m.Sequential(
            OrderedDict([("fc1", m.Linear(2, 3)), ("act", m.ReLU()), ("fc2", m.Linear(3, 1))])
        )

    ours, theirs = build(nn), build(torch.nn)
    assert_same_structure(ours, theirs)
    assert list(ours.state_dict()) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert ours.fc1 is ours[0]


def test_sequential_indexing():
    mods = layers(nn)
    seq = nn.Sequential(*mods)
    assert len(seq) == 5
    assert seq[0] is mods[0] and seq[-1] is mods[4] and seq[-5] is mods[0]
    assert list(seq) == mods
    for bad in (5, -6):
        with pytest.raises(IndexError, match="out of range"):
            seq[bad]
    part = seq[1:4]
    assert isinstance(part, nn.Sequential) and list(part) == mods[1:4]
    assert repr(part) == repr(torch.nn.Sequential(*layers(torch.nn))[1:4])  # keeps names "1".."3"
    assert list(seq[::2]) == mods[::2]


def test_sequential_setitem():
    ours, theirs = nn.Sequential(*layers(nn)), torch.nn.Sequential(*layers(torch.nn))
    ours[1] = nn.Sigmoid()
    theirs[1] = torch.nn.Sigmoid()
    ours[-1] = nn.Linear(4, 2)
    theirs[-1] = torch.nn.Linear(4, 2)
    assert_same_structure(ours, theirs)


@pytest.mark.parametrize("index", [0, 2, -1, slice(1, 3), slice(None, None, 2)])
def test_sequential_delitem_renumbers(index):
    ours, theirs = nn.Sequential(*layers(nn)), torch.nn.Sequential(*layers(torch.nn))
    del ours[index]
    del theirs[index]
    assert_same_structure(ours, theirs)
    assert list(ours._modules) == [str(i) for i in range(len(ours))]


def test_sequential_append_extend_insert_pop():
    def build(m):
        seq = m.Sequential(m.Linear(2, 3))
        seq.append(m.ReLU())
        seq.extend([m.Linear(3, 3), m.Tanh()])
        seq.insert(1, m.Dropout(0.1))
        seq.insert(-1, m.Sigmoid())
        seq.insert(len(seq), m.Linear(3, 1))
        return seq

    ours, theirs = build(nn), build(torch.nn)
    assert_same_structure(ours, theirs)
    popped, popped_t = ours.pop(1), theirs.pop(1)
    assert isinstance(popped, nn.Dropout) and isinstance(popped_t, torch.nn.Dropout)
    assert_same_structure(ours, theirs)
    with pytest.raises(IndexError):
        ours.insert(10, nn.ReLU())
    assert ours.append(nn.ReLU()) is ours


def test_sequential_add_and_mul():
    a, b = layers(nn), layers(torch.nn)
    ours = nn.Sequential(*a[:2]) + nn.Sequential(*a[2:])
    theirs = torch.nn.Sequential(*b[:2]) + torch.nn.Sequential(*b[2:])
    assert_same_structure(ours, theirs)
    ours += nn.Sequential(nn.ReLU())
    theirs += torch.nn.Sequential(torch.nn.ReLU())
    assert_same_structure(ours, theirs)
    block, block_t = (
        nn.Sequential(nn.Linear(2, 2), nn.ReLU()),
        torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU()),
    )
    assert_same_structure(block * 3, block_t * 3)
    assert_same_structure(2 * block, 2 * block_t)
    assert len(list((block * 3).parameters())) == 2  # the same modules repeated
    with pytest.raises(ValueError):
        block * 0
    with pytest.raises(ValueError):
        block + nn.ModuleList()


def test_sequential_propagates_mode_and_dtype():
    seq = nn.Sequential(nn.Linear(2, 2), nn.Dropout(), nn.Sequential(nn.Linear(2, 2), nn.Dropout()))
    seq.eval()
    assert not seq[2][1].training
    x = nl.randn(3, 2)
    np.testing.assert_array_equal(seq(x).detach().numpy(), seq(x).detach().numpy())  # no dropout in eval
    seq.double()
    assert seq[2][0].weight.dtype == nl.float64


def test_empty_sequential_is_identity():
    x = nl.randn(2)
    assert nn.Sequential()(x) is x
    assert repr(nn.Sequential()) == repr(torch.nn.Sequential()) == "Sequential()"


# -- ModuleList -----------------------------------------------------------------------------------
def test_modulelist_operations_match_torch():
    def build(m):
        ml = m.ModuleList([m.Linear(2, 2), m.Linear(2, 3)])
        ml.append(m.ReLU())
        ml.extend([m.ReLU(), m.ReLU(), m.Linear(3, 1)])
        ml.insert(1, m.Tanh())
        ml += [m.Sigmoid()]
        return ml

    ours, theirs = build(nn), build(torch.nn)
    assert_same_structure(ours, theirs)  # repr compresses the run of ReLUs: "(3-5): 3 x ReLU()"
    assert "3 x ReLU()" in repr(ours)
    assert len(ours) == 8 and isinstance(ours[1], nn.Tanh) and isinstance(ours[-1], nn.Sigmoid)
    del ours[2]
    del theirs[2]
    assert_same_structure(ours, theirs)
    del ours[1:3]
    del theirs[1:3]
    assert_same_structure(ours, theirs)
    assert_same_structure(ours[1:], theirs[1:])
    assert_same_structure(ours + [nn.ReLU()], theirs + [torch.nn.ReLU()])
    assert isinstance(ours.pop(0), nn.Linear) and isinstance(theirs.pop(0), torch.nn.Linear)
    assert_same_structure(ours, theirs)


def test_modulelist_indexing_and_iteration():
    mods = layers(nn)
    ml = nn.ModuleList(mods)
    assert list(ml) == mods and len(ml) == 5
    assert ml[-1] is mods[-1] and ml[0] is mods[0]
    assert list(ml[1:3]) == mods[1:3] and list(ml[1:3]._modules) == ["0", "1"]
    ml[0] = nn.Linear(2, 5)
    assert ml[0].out_features == 5
    with pytest.raises(IndexError):
        ml[5]
    with pytest.raises(TypeError, match="iterable"):
        ml.extend(nn.ReLU())


def test_modulelist_parameters_are_registered_and_no_forward():
    ml = nn.ModuleList([nn.Linear(3, 3) for _ in range(4)])
    assert len(list(ml.parameters())) == 8
    assert list(ml.state_dict())[:2] == ["0.weight", "0.bias"]
    with pytest.raises(NotImplementedError):
        ml(nl.zeros(3))
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList()) == "ModuleList()"
    nested_ours = nn.Sequential(nn.ModuleList([nn.ReLU(), nn.ReLU()]), nn.Linear(2, 2))
    nested_theirs = torch.nn.Sequential(
        torch.nn.ModuleList([torch.nn.ReLU(), torch.nn.ReLU()]), torch.nn.Linear(2, 2)
    )
    assert repr(nested_ours) == repr(nested_theirs)


# -- ModuleDict -----------------------------------------------------------------------------------
def test_moduledict_operations_match_torch():
    def build(m):
        md = m.ModuleDict({"conv": m.Linear(2, 2), "act": m.ReLU()})
        md.update([("head", m.Linear(2, 1)), ("act", m.Tanh())])  # overwrite keeps the position
        md["extra"] = m.Sigmoid()
        md.update(OrderedDict([("z", m.Linear(1, 1)), ("a", m.Linear(1, 1))]))
        return md

    ours, theirs = build(nn), build(torch.nn)
    assert_same_structure(ours, theirs)
    assert list(ours) == list(theirs) == ["conv", "act", "head", "extra", "z", "a"]
    assert list(ours.keys()) == list(theirs.keys())
    assert [type(v).__name__ for v in ours.values()] == [type(v).__name__ for v in theirs.values()]
    assert "head" in ours and "nothing" not in ours and len(ours) == 6
    del ours["extra"]
    del theirs["extra"]
    assert_same_structure(ours, theirs)
    assert isinstance(ours.pop("z"), nn.Linear)
    theirs.pop("z")
    assert_same_structure(ours, theirs)
    with pytest.raises(KeyError):
        ours["nothing"]
    ours.clear()
    assert len(ours) == 0 and list(ours.parameters()) == []


def test_moduledict_update_errors():
    md = nn.ModuleDict()
    with pytest.raises(TypeError, match="iterable"):
        md.update(3)
    with pytest.raises(ValueError, match="length 3"):
        md.update([("a", nn.ReLU(), 1)])
    with pytest.raises(KeyError, match="already exists"):
        md["keys"] = nn.ReLU()  # would shadow the method, as PyTorch refuses too
    md2 = nn.ModuleDict(nn.ModuleDict({"x": nn.ReLU()}))
    assert list(md2) == ["x"]


def test_containers_inside_module_state_dict_keys():
    def build(m):
        return m.Sequential(
            m.ModuleDict({"enc": m.ModuleList([m.Linear(2, 2), m.PReLU()]), "dec": m.Linear(2, 2)}),
        )

    assert_same_structure(build(nn), build(torch.nn))
