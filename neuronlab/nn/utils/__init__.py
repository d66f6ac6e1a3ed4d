"""``neuronlab.nn.utils``: gradient clipping, weight penalties, parameter flattening."""

from neuronlab.nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_
from neuronlab.nn.utils.penalties import l1_penalty, l2_penalty, parameters_to_vector, vector_to_parameters

__all__ = [
    "clip_grad_norm_",
    "clip_grad_value_",
    "l1_penalty",
    "l2_penalty",
    "parameters_to_vector",
    "vector_to_parameters",
]
