"""The reads Bench2Drive's own converter (Bench2DriveZoo `mmcv/datasets/prepare_B2D.py`) makes on a clip,
re-implemented here (not imported): every one of them is unconditional, so a clip it cannot read is a clip
the Bench2Drive model zoo cannot train on. `cv2.imread` is emulated with PIL (IMREAD_COLOR: three channels).
"""
from __future__ import annotations

import gzip
import json
import os
from os.path import join
from typing import Any, Dict, List

import numpy as np
from PIL import Image

CAMERA_TO_FOLDER = {"CAM_FRONT": "rgb_front", "CAM_FRONT_LEFT": "rgb_front_left", "CAM_FRONT_RIGHT": "rgb_front_right",
                    "CAM_BACK": "rgb_back", "CAM_BACK_LEFT": "rgb_back_left", "CAM_BACK_RIGHT": "rgb_back_right"}
DISCRETE_ACTION_KEYS = {i: i for i in range(39)}   # its get_action table is keyed 0 … 38
MAX_DISTANCE, FILTER_Z = 75, 10                     # its box filters


def _imread_color(path: str) -> np.ndarray:
    if not os.path.isfile(path):
        raise FileNotFoundError(path)      # cv2.imread would return None and `[:, :, 0]` then fails
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"))


def converter_reads(data_root: str, folder_name: str) -> List[Dict[str, Any]]:
    """Convert a clip `data_root/folder_name` (folder_name = 'v1/<clip>') reading what the converter reads,
    in its order; one info dict per frame (a KeyError, ValueError or missing file is what breaks it)."""
    folder_path = join(data_root, folder_name)
    name = folder_name.split("/")[1]
    assert "Town" in name and "Route" in name and "Weather" in name
    infos = []
    for ann_name in sorted(os.listdir(join(folder_path, "anno")), key=lambda x: int(x.split(".")[0])):
        with gzip.open(join(folder_path, "anno", ann_name), "rt", encoding="utf-8") as f:
            anno = json.load(f)
        info: Dict[str, Any] = {"town_name": name.split("_")[1], "frame_idx": int(ann_name.split(".")[0])}
        info["command_far"] = (anno["x_command_far"], -anno["y_command_far"], anno["command_far"])
        info["command_near"] = (anno["x_command_near"], -anno["y_command_near"], anno["command_near"])
        info["ego_yaw"] = -np.nan_to_num(anno["theta"], nan=np.pi) + np.pi / 2
        info["ego"] = (anno["x"], -anno["y"], anno["speed"], anno["acceleration"][0], -anno["acceleration"][1],
                       anno["acceleration"][2], -np.array(anno["angular_velocity"]))
        ego = anno["bounding_boxes"][0]
        info["ego_size"] = np.array([ego["extent"][1], ego["extent"][0], ego["extent"][2]]) * 2
        info["world2ego"] = np.array(ego["world2ego"]).reshape(4, 4)
        expert = "-0001.npz" if info["frame_idx"] == 0 else str(info["frame_idx"] - 1).zfill(5) + ".npz"
        action = np.load(join(folder_path, "expert_assessment", expert), allow_pickle=True)["arr_0"][-1]
        info["action"] = DISCRETE_ACTION_KEYS[action]           # its dict lookup: a float key 0.0 … 38.0
        info["depth"] = {}
        for cam, folder in CAMERA_TO_FOLDER.items():
            sensor = anno["sensors"][cam]
            info[cam] = (np.array(sensor["cam2ego"]).reshape(4, 4), np.array(sensor["intrinsic"]).reshape(3, 3),
                         np.array(sensor["world2cam"]).reshape(4, 4))
            data_path = join(folder_name, "camera", folder, ann_name.split(".")[0] + ".jpg")
            info[cam + "_image"] = _imread_color(join(data_root, data_path)).shape
            info["depth"][cam] = _imread_color(join(data_root, data_path).replace("rgb_", "depth_")
                                               .replace(".jpg", ".png"))[:, :, 0]
        lidar = anno["sensors"]["LIDAR_TOP"]
        info["lidar"] = (np.array(lidar["lidar2ego"]).reshape(4, 4), np.array(lidar["world2lidar"]).reshape(4, 4))
        info["gt_ids"], info["gt_names"] = [], []
        for npc in anno["bounding_boxes"]:
            if npc["class"] == "ego_vehicle" or npc["distance"] > MAX_DISTANCE:
                continue
            if abs(npc["location"][2] - ego["location"][2]) > FILTER_Z:
                continue
            center = np.array([npc["center"][0], -npc["center"][1], npc["center"][2]])
            extent = np.array([npc["extent"][1], npc["extent"][0], npc["extent"][2]])
            yaw = np.array(npc["world2vehicle"]).reshape(4, 4) if "world2vehicle" in npc else npc["rotation"][-1]
            speed = npc["speed"] if "speed" in npc and "vehicle" in npc["class"] else 0.0
            matrix = next((npc[k] for k in ("world2vehicle", "world2ego", "world2sign", "world2ped") if k in npc), None)
            npc2world = np.linalg.inv(np.array(matrix)) if matrix is not None else (npc["location"], npc["rotation"][-1])
            info["gt_names"].append((npc["type_id"], center, extent, yaw, speed, npc.get("num_points", -1), npc2world))
            info["gt_ids"].append(int(npc["id"]))
        infos.append(info)
    return infos
