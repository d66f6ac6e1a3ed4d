"""Every differentiable operation: a ``Function`` per op (forward on arrays, backward on
tensors) and the public function that applies it. ``Tensor`` methods call these."""
