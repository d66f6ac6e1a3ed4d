"""Recurrent layers: ``RNN``, ``GRU``, ``LSTM`` and their cells, as PyTorch defines them
(parameter names, gate order and shapes), built from ``linear``, ``sigmoid``, ``tanh`` and
``stack``: the gradient through time is backpropagation through those ops.

The input-to-hidden products of a whole sequence are one ``linear`` per layer and direction;
only the hidden-to-hidden product runs step by step.

Gates (W_i* act on x, W_h* on h; PyTorch's row order in ``weight_ih``/``weight_hh``):

* RNN:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
* GRU (r, z, n):  r = σ(..), z = σ(..), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
  h' = (1 - z) ⊙ n + z ⊙ h
* LSTM (i, f, g, o):  c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g),  h' = σ(o) ⊙ tanh(c')
"""

from __future__ import annotations

import math

from neuronlab.engine.tensor import Tensor
from neuronlab.nn import init
from neuronlab.nn.functional.dropout import dropout
from neuronlab.nn.modules.module import Module
from neuronlab.nn.parameter import Parameter
from neuronlab.ops.activation import relu, sigmoid, tanh
from neuronlab.ops.creation import empty, zeros
from neuronlab.ops.join import cat, stack
from neuronlab.ops.linalg import linear
from neuronlab.ops.recurrent import gru_gates, gru_sequence

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "GRU": 3, "LSTM": 4}


def _rnn_step(x_proj, h, w_hh, b_hh, relu_act: bool):
    pre = x_proj + linear(h, w_hh, b_hh)
    return relu(pre) if relu_act else tanh(pre)


def _gru_step(x_proj, h, w_hh, b_hh):
    # the gates fused (ops/recurrent.py): a dozen small recorded ops per step were most of the time
    return gru_gates(x_proj, linear(h, w_hh, b_hh), h)  # (1 - z)·n + z·h


def _lstm_step(x_proj, h, c, w_hh, b_hh):
    i, f, g, o = (x_proj + linear(h, w_hh, b_hh)).chunk(4, -1)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    return sigmoid(o) * tanh(c), c


class RNNBase(Module):
    """The shared machinery: parameters ``weight_ih_l{k}[_reverse]``, ``weight_hh_l{k}``,
    ``bias_ih_l{k}``, ``bias_hh_l{k}``, all drawn from U(±1/√hidden_size) in that order."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device=None, dtype=None) -> None:  # fmt: skip
        super().__init__()
        if proj_size:
            raise NotImplementedError("LSTM(proj_size > 0) is not supported")
        if not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1]")
        if hidden_size <= 0 or num_layers <= 0:
            raise ValueError("hidden_size and num_layers must be positive")
        self.mode, self.input_size, self.hidden_size, self.num_layers = (
            mode,
            input_size,
            hidden_size,
            num_layers,
        )
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        gates, directions = _GATES[mode] * hidden_size, 2 if bidirectional else 1
        self._flat_weights_names = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = [("weight_ih", (gates, layer_input)), ("weight_hh", (gates, hidden_size))]
                if bias:
                    shapes += [("bias_ih", (gates,)), ("bias_hh", (gates,))]
                for name, shape in shapes:
                    setattr(self, name + suffix, Parameter(empty(shape, dtype=dtype)))
                    self._flat_weights_names.append(name + suffix)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias ~ U(-1/√hidden_size, 1/√hidden_size), as PyTorch."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def _weights(self, layer: int, direction: int) -> tuple:
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        get = self.__dict__.get
        return (getattr(self, "weight_ih" + suffix), getattr(self, "weight_hh" + suffix),
                get("bias_ih" + suffix), get("bias_hh" + suffix))  # fmt: skip

    def _run(self, input: Tensor, hx: tuple[Tensor, ...] | None) -> tuple[Tensor, tuple[Tensor, ...]]:
        unbatched = input.dim() == 2
        if unbatched:
            input = input.unsqueeze(1)
            hx = None if hx is None else tuple(h.unsqueeze(1) for h in hx)
        elif self.batch_first:
            input = input.transpose(0, 1)
        directions = 2 if self.bidirectional else 1
        n_states = 2 if self.mode == "LSTM" else 1
        if hx is None:
            shape = (self.num_layers * directions, input.shape[1], self.hidden_size)
            hx = tuple(zeros(shape, dtype=input.dtype) for _ in range(n_states))
        finals = [[] for _ in range(n_states)]
        layer_input = input
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                states = tuple(h[layer * directions + direction] for h in hx)
                out, states = self._direction(layer_input, states, layer, direction)
                outputs.append(out)
                for keep, state in zip(finals, states, strict=True):
                    keep.append(state)
            layer_input = outputs[0] if directions == 1 else cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = dropout(layer_input, self.dropout, True)
        output, states = layer_input, tuple(stack(keep, 0) for keep in finals)
        if unbatched:
            return output.squeeze(1), tuple(s.squeeze(1) for s in states)
        if self.batch_first:
            output = output.transpose(0, 1)
        return output, states

    def _direction(self, input: Tensor, states: tuple, layer: int, direction: int):
        w_ih, w_hh, b_ih, b_hh = self._weights(layer, direction)
        if self.mode == "GRU":  # the recurrence as one op (ops/recurrent.py): ~500 recorded ops fewer
            out = gru_sequence(linear(input, w_ih, b_ih), states[0], w_hh, b_hh, reverse=bool(direction))
            return out, (out[0] if direction else out[-1],)
        x_proj = linear(input, w_ih, b_ih).unbind(0)
        steps = range(len(x_proj) - 1, -1, -1) if direction else range(len(x_proj))
        outs = [None] * len(x_proj)
        for t in steps:
            if self.mode == "LSTM":
                states = _lstm_step(x_proj[t], states[0], states[1], w_hh, b_hh)
            else:
                states = (_rnn_step(x_proj[t], states[0], w_hh, b_hh, self.mode == "RNN_RELU"),)
            outs[t] = states[0]
        return stack(outs, 0), states

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.bias is not True:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) (or ReLU).

    ``forward(input, h_0=None)`` → (output, h_n). Shape: input (L, N, H_in) or (N, L, H_in)
    with ``batch_first`` or (L, H_in); output (L, N, D·H); h_n (D·num_layers, N, H).

    Example:
        >>> out, h = nn.RNN(10, 20, num_layers=2)(neuronlab.randn(5, 3, 10))
        >>> out.shape, h.shape
        (neuronlab.Size([5, 3, 20]), neuronlab.Size([2, 3, 20]))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None) -> None:  # fmt: skip
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size,
                         num_layers, bias, batch_first, dropout, bidirectional, dtype=dtype)  # fmt: skip

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        output, (h,) = self._run(input, None if hx is None else (hx,))
        return output, h


class GRU(RNNBase):
    """Gated recurrent unit (Cho et al., 2014) with PyTorch's gate order (r, z, n); see the module
    docstring. ``forward(input, h_0=None)`` → (output, h_n), shapes as ``RNN``."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, device=None,
                 dtype=None) -> None:  # fmt: skip
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         dtype=dtype)  # fmt: skip

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        output, (h,) = self._run(input, None if hx is None else (hx,))
        return output, h


class LSTM(RNNBase):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997) with PyTorch's gate order (i, f, g, o).

    ``forward(input, (h_0, c_0)=None)`` → (output, (h_n, c_n)), shapes as ``RNN``.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device=None, dtype=None) -> None:  # fmt: skip
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, dtype=dtype)  # fmt: skip

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None):
        output, (h, c) = self._run(input, hx)
        return output, (h, c)


class _CellBase(Module):
    def __init__(self, input_size: int, hidden_size: int, bias: bool, gates: int, dtype=None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(empty((gates * hidden_size, input_size), dtype=dtype))
        self.weight_hh = Parameter(empty((gates * hidden_size, hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(gates * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(empty(gates * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        bound = 1.0 / math.sqrt(hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def _zeros(self, input: Tensor) -> Tensor:
        return zeros((*input.shape[:-1], self.hidden_size), dtype=input.dtype)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RNNCell(_CellBase):
    """One step of ``RNN``: h' = tanh(W_ih x + b_ih + W_hh h + b_hh)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device=None, dtype=None) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 1, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        h = self._zeros(input) if hx is None else hx
        x_proj = linear(input, self.weight_ih, self.bias_ih)
        return _rnn_step(x_proj, h, self.weight_hh, self.bias_hh, self.nonlinearity == "relu")


class GRUCell(_CellBase):
    """One step of ``GRU``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        h = self._zeros(input) if hx is None else hx
        return _gru_step(linear(input, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)


class LSTMCell(_CellBase):
    """One step of ``LSTM``: returns (h', c')."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        h, c = (self._zeros(input), self._zeros(input)) if hx is None else hx
        return _lstm_step(linear(input, self.weight_ih, self.bias_ih), h, c, self.weight_hh, self.bias_hh)
