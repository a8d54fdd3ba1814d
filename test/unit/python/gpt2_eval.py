"""Bits per byte of a token sequence under a GPT-2 model folder, in plain PyTorch.

An evaluation independent of the engine: it reads config.json and model.safetensors itself (no
ONNX, no transformers), runs GPT-2's forward pass as Hugging Face's modelling code defines it
(pre-LayerNorm blocks, Conv1D weights stored [in, out], GELU in its tanh form, the output layer
tied to wte), and scores the tokens as `npm run cli -- eval --stride <window>` does: disjoint
windows of `window` tokens, every token after the first predicted from the tokens before it in
its window, the last row of a window predicting the next window's first token.

usage: gpt2_eval.py <model folder> <ids.json> <window> <scored UTF-8 bytes>
prints {"scoredTokens": N, "totalNats": x, "loss": x, "bitsPerByte": x}
"""
import json
import math
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    with open(path, "rb") as f:
        header_len = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(header_len))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        raw = torch.frombuffer(bytearray(data[start:end]), dtype=DTYPES[entry["dtype"]])
        tensors[name.removeprefix("transformer.")] = raw.reshape(entry["shape"]).float()
    return tensors


def layer_norm(x, w, b, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps)


def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def forward(p, config, ids):
    """Logits [T, vocab] for one window of token ids."""
    T = ids.shape[0]
    H = config["n_head"]
    C = config["n_embd"]
    D = C // H
    eps = config.get("layer_norm_epsilon", 1e-5)
    x = p["wte.weight"][ids] + p["wpe.weight"][:T]
    causal = torch.full((T, T), float("-inf")).triu(1)
    for i in range(config["n_layer"]):
        w = lambda name: p[f"h.{i}.{name}"]
        h = layer_norm(x, w("ln_1.weight"), w("ln_1.bias"), eps)
        q, k, v = (h @ w("attn.c_attn.weight") + w("attn.c_attn.bias")).split(C, dim=-1)
        q, k, v = (t.reshape(T, H, D).transpose(0, 1) for t in (q, k, v))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D) + causal, dim=-1)
        y = (att @ v).transpose(0, 1).reshape(T, C)
        x = x + y @ w("attn.c_proj.weight") + w("attn.c_proj.bias")
        h = layer_norm(x, w("ln_2.weight"), w("ln_2.bias"), eps)
        x = x + gelu_tanh(h @ w("mlp.c_fc.weight") + w("mlp.c_fc.bias")) @ w("mlp.c_proj.weight") + w("mlp.c_proj.bias")
    x = layer_norm(x, p["ln_f.weight"], p["ln_f.bias"], eps)
    return x @ p["wte.weight"].T


def main():
    folder, ids_file, window, scored_bytes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(f"{folder}/config.json") as f:
        config = json.load(f)
    p = read_safetensors(f"{folder}/model.safetensors")
    with open(ids_file) as f:
        ids = torch.tensor(json.load(f), dtype=torch.long)
    total = 0.0
    scored = 0
    with torch.no_grad():
        for begin in range(0, len(ids) - 1, window):
            chunk = ids[begin : begin + window]
            logp = torch.log_softmax(forward(p, config, chunk).double(), dim=-1)
            targets = ids[begin + 1 : begin + 1 + len(chunk)]
            total -= logp[torch.arange(len(targets)), targets].sum().item()
            scored += len(targets)
    print(json.dumps({"scoredTokens": scored, "totalNats": total, "loss": total / scored, "bitsPerByte": total / math.log(2) / scored_bytes}))


if __name__ == "__main__":
    main()
