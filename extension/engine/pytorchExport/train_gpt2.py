"""Trains the GPT-2 of an LLM Pipeline Lab run with PyTorch, on one machine or many.

Written by "Export Training Run to PyTorch". The model, the data order and every hyperparameter
are the run's: the same GPT-2 (learned positions, pre-LayerNorm, tanh GELU, tied output layer),
the same token windows in the same order (data/batches.bin), the same warmup and cosine schedule,
global-norm clipping and AdamW with decay on the block matrices only. Launch it with torchrun:

    torchrun --standalone --nproc_per_node 2 train_gpt2.py --out trained

Each of the world's processes takes an equal share of each batch; DistributedDataParallel
averages their gradients, which is the gradient of the whole batch's mean loss. The result is a
model folder (config.json, model.safetensors, tokenizer files) that the extension opens again.
Tensors are read and written with Hugging Face's names and layouts: Conv1D weights are stored
(in, out), so a layer computes y = x @ W + b.
"""
import argparse
import json
import math
import os
import shutil
import struct

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


# --- safetensors: an 8-byte header length, a JSON header, then the raw little-endian tensors ---

def read_safetensors(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {entry['dtype']}; this script reads F32 weights")
        start, end = entry["data_offsets"]
        array = np.frombuffer(data[start:end], dtype="<f4").reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, tensor in tensors.items():
        blob = tensor.detach().cpu().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    os.replace(path + ".tmp", path)


# --- the model: nanoGPT's, under Hugging Face's GPT-2 names ---

class Conv1D(nn.Module):
    """A linear layer stored (in, out) as GPT-2 stores it: y = x @ W + b."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return x @ self.weight + self.bias


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n_head = c["n_head"]
        self.c_attn = Conv1D(c["n_embd"], 3 * c["n_embd"])
        self.c_proj = Conv1D(c["n_embd"], c["n_embd"])

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        # [B, T, C] -> [B, heads, T, head_dim]
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(C // self.n_head)
        future = torch.triu(torch.ones(T, T, dtype=torch.bool, device=x.device), diagonal=1)
        weights = scores.masked_fill(future, float("-inf")).softmax(dim=-1)
        y = (weights @ v).transpose(1, 2).reshape(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_fc = Conv1D(c["n_embd"], 4 * c["n_embd"])
        self.c_proj = Conv1D(4 * c["n_embd"], c["n_embd"])

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        eps = c.get("layer_norm_epsilon", 1e-5)
        self.ln_1 = nn.LayerNorm(c["n_embd"], eps=eps)
        self.attn = Attention(c)
        self.ln_2 = nn.LayerNorm(c["n_embd"], eps=eps)
        self.mlp = MLP(c)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(c["vocab_size"], c["n_embd"]),
            wpe=nn.Embedding(c["n_positions"], c["n_embd"]),
            h=nn.ModuleList(Block(c) for _ in range(c["n_layer"])),
            ln_f=nn.LayerNorm(c["n_embd"], eps=c.get("layer_norm_epsilon", 1e-5)),
        ))

    def forward(self, idx, targets):
        t = self.transformer
        x = t.wte(idx) + t.wpe(torch.arange(idx.shape[1], device=idx.device))
        for block in t.h:
            x = block(x)
        logits = t.ln_f(x) @ t.wte.weight.T  # tied output layer
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


# --- the run's schedule: linear warmup, then cosine down to a floor (or constant) ---

def learning_rate(run, step):
    peak, warmup, total = run["learning_rate"], run["warmup_steps"], run["total_steps"]
    if step < warmup:
        return peak * (step + 1) / warmup
    if run["schedule"] == "constant":
        return peak
    floor = peak * run["min_learning_rate_ratio"]
    progress = min(1.0, (step - warmup) / max(1, total - 1 - warmup))
    return floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def optimizer_for(model, run):
    # Weight decay on matrices only: not on biases, LayerNorm gains or (unless asked) the embeddings.
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        embedding = name.endswith("wte.weight") or name.endswith("wpe.weight")
        (decay if p.dim() >= 2 and (run["decay_embeddings"] or not embedding) else no_decay).append(p)
    o = run["optimizer"]
    groups = [{"params": decay, "weight_decay": o["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}]
    if o["kind"] == "adamw":
        return torch.optim.AdamW(groups, lr=run["learning_rate"], betas=(o["beta1"], o["beta2"]), eps=o["epsilon"])
    return torch.optim.SGD(groups, lr=run["learning_rate"], momentum=o["momentum"])


def batch(tokens, starts, T):
    """Windows of T + 1 tokens: the first T are the input, the last T the targets."""
    rows = np.stack([tokens[s:s + T + 1] for s in starts]).astype(np.int64)
    return torch.from_numpy(rows[:, :-1]), torch.from_numpy(rows[:, 1:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="trained", help="folder for the trained model (default: trained)")
    parser.add_argument("--init", default=os.path.join(HERE, "init"), help="model folder to start from (default: the run's starting weights)")
    parser.add_argument("--steps", type=int, help="stop after this many steps (default: the run's)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()

    distributed = "RANK" in os.environ
    if distributed:
        dist.init_process_group("nccl" if args.device == "cuda" else "gloo")
    rank, world = (dist.get_rank(), dist.get_world_size()) if distributed else (0, 1)
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if args.device == "cuda" else args.device)
    torch.manual_seed(0)

    with open(os.path.join(HERE, "run.json")) as f:
        run = json.load(f)
    B, T = run["batch_size"], run["context_length"]
    if B % world:
        raise SystemExit(f"the batch of {B} sequences cannot be split evenly over {world} processes")
    with open(os.path.join(args.init, "config.json")) as f:
        config = json.load(f)
    tokens = np.fromfile(os.path.join(HERE, "data", "train.bin"), dtype="<u4")
    order = np.fromfile(os.path.join(HERE, "data", "batches.bin"), dtype="<u4").reshape(-1, B)
    steps = min(args.steps or run["total_steps"], len(order))

    model = GPT(config).to(device)
    weights = {k if k.startswith("transformer.") else "transformer." + k: v for k, v in read_safetensors(os.path.join(args.init, "model.safetensors")).items()}
    model.load_state_dict({k: v for k, v in weights.items() if k in model.state_dict()}, strict=True)
    trained = nn.parallel.DistributedDataParallel(model) if distributed else model
    optimizer = optimizer_for(model, run)

    losses = []
    for step in range(steps):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(run, step)
        # This process's share of the batch: sequences rank, rank + world, ...
        x, y = batch(tokens, order[step][rank::world], T)
        loss = trained(x.to(device), y.to(device))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if run["max_grad_norm"] > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), run["max_grad_norm"])
        optimizer.step()
        # The whole batch's loss: the mean of the processes' equal-sized shares.
        reported = loss.detach().clone()
        if distributed:
            dist.all_reduce(reported)
            reported /= world
        losses.append(reported.item())
        if rank == 0:
            print(json.dumps({"step": step + 1, "loss": losses[-1], "lr": learning_rate(run, step)}), flush=True)

    if rank == 0:
        os.makedirs(args.out, exist_ok=True)
        write_safetensors(os.path.join(args.out, "model.safetensors"), {k: v for k, v in model.state_dict().items()})
        for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json"):
            if os.path.exists(os.path.join(args.init, name)):
                shutil.copyfile(os.path.join(args.init, name), os.path.join(args.out, name))
        with open(os.path.join(args.out, "losses.json"), "w") as f:
            json.dump({"steps": steps, "world_size": world, "losses": losses}, f)
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
