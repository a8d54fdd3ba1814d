"""The loss and gradients of one training step of a Llama-family model, by PyTorch autograd over
llama_reference.py's plain transcription of Hugging Face's modelling code: the independent
reference for the engine's Llama training graph (autodiff of llama/forwardGraph.ts). The loss is
the mean next-token cross-entropy over every position of every sequence, as the training graph's.
Prints JSON: {"loss": L, "gradients": {parameter name: flat list}}.

usage: python3 llama_train_reference.py <folder> <input ids [B][T] as JSON> <targets [B][T] as JSON>
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_reference import Model  # noqa: E402


def main():
    torch.set_num_threads(1)
    folder, inputs, targets = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
    model = Model(folder)
    for tensor in model.w.values():
        tensor.requires_grad_(True)
    # Every sequence has T targets, so the mean of the per-sequence means is the mean over all B·T.
    losses = [F.cross_entropy(model.forward(ids)[0], torch.tensor(labels)) for ids, labels in zip(inputs, targets)]
    loss = torch.stack(losses).mean()
    loss.backward()
    gradients = {name: t.grad.flatten().tolist() for name, t in model.w.items() if t.grad is not None}
    json.dump({"loss": loss.item(), "gradients": gradients}, sys.stdout)


if __name__ == "__main__":
    main()
