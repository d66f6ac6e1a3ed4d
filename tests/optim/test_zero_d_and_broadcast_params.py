"""Every optimizer on 0-d parameters and on gradients reduced from broadcast views, against
torch (issue 13: SGD momentum once froze its buffer on 0-d parameters)."""

import numpy as np


def run(m):
    out = []
    for name, kw in [
        ("SGD", dict(lr=0.1, momentum=0.9)),
        ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
        ("Adam", dict(lr=0.1)),
        ("AdamW", dict(lr=0.1, amsgrad=True)),
        ("RMSprop", dict(lr=0.1, momentum=0.5, centered=True)),
        ("Adagrad", dict(lr=0.1)),
    ]:
        for shape in [(), (3,)]:
            p = m.ones(shape, requires_grad=True)
            q = m.ones(1, 3, requires_grad=True)
            opt = getattr(m.optim, name)([p, q], **kw)
            for _ in range(3):
                opt.zero_grad()
                loss = (p.expand(4, 3) * m.arange(12.0).reshape(4, 3)).sum() + (q.expand(5, 3) * 2.0).sum()
                loss.backward()
                opt.step()
                out.append(p.detach().numpy().copy())
                out.append(q.detach().numpy().copy())
            p.grad.zero_()
            q.grad.zero_()
    return out


def test_optimizers_match_torch_on_0d_and_broadcast_parameters():
    import torch

    import neuronlab

    for a, b in zip(run(torch), run(neuronlab), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
