"""A runtime that cannot start, like a worker whose `import torch` fails."""
raise ImportError("No module named 'torch'")
