# Source: the PyTorch documentation's nn.GRU / nn.LSTM examples (pytorch.org/docs, BSD license),
# grown into the usual teaching exercise "predict the running sum of a sequence".
# Changed: sizes and seed only.
import torch
from torch import nn

torch.manual_seed(1)
rnn = nn.GRU(10, 20, 2)
input = torch.randn(5, 3, 10)
h0 = torch.randn(2, 3, 20)
output, hn = rnn(input, h0)
print(output.shape, hn.shape, output.sum().item())

lstm = nn.LSTM(10, 20, 2)
c0 = torch.randn(2, 3, 20)
output, (hn, cn) = lstm(input, (h0, c0))
print(output.shape, cn.sum().item())


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(1, 16, batch_first=True)
        self.head = nn.Linear(16, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out)


model = Model()
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(60):
    x = torch.rand(16, 8, 1)
    target = x.cumsum(dim=1)
    loss = nn.functional.mse_loss(model(x), target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 20 == 0:
        print(step, loss.item())
