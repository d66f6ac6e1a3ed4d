"""Every differentiable operation: a ``Function`` per op (forward on arrays; one backward
formula that runs on arrays or, recorded, on Tensors) and the public function that applies
it. ``Tensor`` methods call these (docs/engine.md)."""
