"""A plain PyTorch transcription of Hugging Face's modeling_llama.py (eager attention), which
Mistral's and Qwen2's modelling files repeat: the independent implementation the engine's
Llama-family graphs are tested against. It reads a model folder (config.json and safetensors,
single or sharded, F32/F16/BF16) with its own reader, runs the prompt, and greedily extends it
by recomputing the whole sequence at every step (no cache), printing JSON:
  {"logits": [T][vocab], "attentions": [layer][head][T][T], "greedy": [ids]}

usage: python3 llama_reference.py <folder> <prompt ids as JSON> <new tokens>
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = data[8 + n + begin : 8 + n + end]
        if entry["dtype"] == "F32":
            array = np.frombuffer(raw, dtype="<f4")
        elif entry["dtype"] == "F16":
            array = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif entry["dtype"] == "BF16":
            array = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise ValueError(f"{path}: {name} is {entry['dtype']}")
        tensors[name] = torch.from_numpy(array.copy().reshape(entry["shape"]))
    return tensors


def read_weights(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    weights = {}
    for name in files:
        weights.update(read_safetensors(os.path.join(folder, name)))
    return weights


def inverse_frequencies(cfg, head_dim):
    # LlamaRotaryEmbedding / _compute_default_rope_parameters
    base = cfg.get("rope_theta", 10000.0)
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    scaling = cfg.get("rope_scaling")
    if not scaling or scaling.get("rope_type", scaling.get("type")) in (None, "default"):
        return inv_freq
    # _compute_llama3_parameters
    factor = scaling["factor"]
    low_freq_factor = scaling["low_freq_factor"]
    high_freq_factor = scaling["high_freq_factor"]
    old_context_len = scaling["original_max_position_embeddings"]
    low_freq_wavelen = old_context_len / low_freq_factor
    high_freq_wavelen = old_context_len / high_freq_factor
    wavelen = 2 * math.pi / inv_freq
    inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
    smooth_factor = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
    smoothed_inv_freq = (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
    is_medium_freq = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
    return torch.where(is_medium_freq, smoothed_inv_freq, inv_freq_llama)


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)


def repeat_kv(hidden, n_rep):
    batch, kv_heads, seq, dim = hidden.shape
    if n_rep == 1:
        return hidden
    hidden = hidden[:, :, None, :, :].expand(batch, kv_heads, n_rep, seq, dim)
    return hidden.reshape(batch, kv_heads * n_rep, seq, dim)


class Model:
    def __init__(self, folder):
        with open(os.path.join(folder, "config.json")) as f:
            self.cfg = cfg = json.load(f)
        self.w = read_weights(folder)
        self.heads = cfg["num_attention_heads"]
        self.kv_heads = cfg.get("num_key_value_heads") or self.heads
        self.head_dim = cfg.get("head_dim") or cfg["hidden_size"] // self.heads
        self.eps = cfg.get("rms_norm_eps", 1e-6)
        self.inv_freq = inverse_frequencies(cfg, self.head_dim)
        self.tied = cfg.get("tie_word_embeddings", False)

    def linear(self, x, name):
        return F.linear(x, self.w[name + ".weight"], self.w.get(name + ".bias"))

    def forward(self, ids):
        w, T = self.w, len(ids)
        H, KV, D = self.heads, self.kv_heads, self.head_dim
        x = w["model.embed_tokens.weight"][torch.tensor([ids])]
        positions = torch.arange(T)[None, :]
        freqs = (self.inv_freq[None, :, None].float() @ positions[:, None, :].float()).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[:, None], emb.sin()[:, None]
        mask = torch.full((T, T), torch.finfo(torch.float32).min).triu(1)
        attentions = []
        for i in range(self.cfg["num_hidden_layers"]):
            p = f"model.layers.{i}."
            h = rms_norm(x, w[p + "input_layernorm.weight"], self.eps)
            q = self.linear(h, p + "self_attn.q_proj").view(1, T, H, D).transpose(1, 2)
            k = self.linear(h, p + "self_attn.k_proj").view(1, T, KV, D).transpose(1, 2)
            v = self.linear(h, p + "self_attn.v_proj").view(1, T, KV, D).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            k, v = repeat_kv(k, H // KV), repeat_kv(v, H // KV)
            scores = q @ k.transpose(2, 3) / math.sqrt(D) + mask
            probs = F.softmax(scores, dim=-1, dtype=torch.float32)
            attentions.append(probs[0])
            out = (probs @ v).transpose(1, 2).reshape(1, T, H * D)
            x = x + self.linear(out, p + "self_attn.o_proj")
            h = rms_norm(x, w[p + "post_attention_layernorm.weight"], self.eps)
            x = x + self.linear(F.silu(self.linear(h, p + "mlp.gate_proj")) * self.linear(h, p + "mlp.up_proj"), p + "mlp.down_proj")
        x = rms_norm(x, w["model.norm.weight"], self.eps)
        head = w["model.embed_tokens.weight"] if self.tied else w["lm_head.weight"]
        return (x @ head.T)[0], attentions


def main():
    torch.set_num_threads(1)
    folder, prompt, new_tokens = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
    model = Model(folder)
    with torch.no_grad():
        logits, attentions = model.forward(prompt)
        ids = list(prompt)
        greedy = []
        for _ in range(new_tokens):
            step, _ = model.forward(ids)
            token = int(step[-1].argmax())
            greedy.append(token)
            ids.append(token)
    json.dump({"logits": logits.tolist(), "attentions": [a.tolist() for a in attentions], "greedy": greedy}, sys.stdout)


if __name__ == "__main__":
    main()
