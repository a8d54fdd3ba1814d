# PEFT's merge of a LoRA adapter into GPT-2 weights, computed independently of the TypeScript engine
# from the files on disk: W' = W + transpose(B @ A, fan_in_fan_out) * (lora_alpha / r), as PEFT's
# LoraLayer.get_delta_weight does. Prints, as JSON, the largest difference from the merged folder's
# weights, per backend (NumPy always; PyTorch when it is importable).
#   python3 peft_merge.py <adapter folder> <base model.safetensors> <merged model.safetensors>
import json
import struct
import sys

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", name
        begin, end = entry["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"])
    return out


adapter_dir, base_file, merged_file = sys.argv[1:4]
config = json.load(open(f"{adapter_dir}/adapter_config.json"))
adapter = read_safetensors(f"{adapter_dir}/adapter_model.safetensors")
base = read_safetensors(base_file)
merged = read_safetensors(merged_file)
scaling = config["lora_alpha"] / config["r"]
prefix = "base_model.model."


def transpose(w, fan_in_fan_out):
    return w.T if fan_in_fan_out else w


backends = {"numpy": lambda a, b: b.astype(np.float64) @ a.astype(np.float64)}
try:
    import torch

    backends["torch"] = lambda a, b: (torch.from_numpy(b.copy()) @ torch.from_numpy(a.copy())).numpy()
except ImportError:
    pass

result = {"modules": 0}
for backend, product in backends.items():
    worst = 0.0
    modules = 0
    for name, a in adapter.items():
        if not name.endswith(".lora_A.weight"):
            continue
        module = name[len(prefix):-len(".lora_A.weight")]
        b = adapter[f"{prefix}{module}.lora_B.weight"]
        weight = f"{module}.weight"
        expected = base[weight] + transpose(product(a, b), config["fan_in_fan_out"]) * scaling
        worst = max(worst, float(np.abs(expected - merged[weight]).max()))
        modules += 1
    result[backend] = worst
    result["modules"] = modules
print(json.dumps(result))
