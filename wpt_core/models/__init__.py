"""Learned models (PyTorch, the `train` extra): layers, backbone, camera-to-BEV lift, LiDAR branch, BEV encoder,
world model, and self-describing checkpoints. `model_config` holds their frozen configs and needs no torch."""
