"""Rule-based sub-scores of candidate trajectories on a BEV occupancy forecast — the simulation head's
targets (NAVSIM's PDM sub-scores, evaluated on a raster instead of tracked boxes).

Inputs: candidates (B, N, K, 2) ego-frame waypoints (x forward, y right) at t = dt … K·dt; occupancy
(B, K, H, W) bool — vehicles or pedestrians at the same timestamps (predicted by the world model, or the
ground truth); drivable (B, H, W) bool; the grid of wpt_core.data.labels (row r ↔ x = (H/2 − r − 0.5)·res,
column c ↔ y = (c − W/2 + 0.5)·res). The ego is a box of ego_length × ego_width sampled at a few points,
oriented along the waypoint heading. Cells off the grid are unknown: they neither collide nor leave the
drivable area (the grid is ±size/2 around the ego; a 3 s plan rarely leaves it).

- NC: 0 if the ego box overlaps occupancy at any step, else 1.
- DAC: 0 if any ego-box point is on a non-drivable cell at any step, else 1.
- TTC: 0 if the ego, extended forward at its current constant velocity by each probe time, overlaps the
  occupancy of the step nearest to that future time (the last step beyond the horizon), else 1.
- EP: path length / the best candidate's path length when that exceeds `ep_min_progress_m`, else 1.
  (The sample has no route centreline; path length along the plan is the progress measure.)
- Comf: 1 if every finite-difference longitudinal / lateral acceleration, jerk, longitudinal jerk, yaw rate
  and yaw acceleration of the waypoints (starting at the ego, at its current speed) is within NAVSIM's limits.
"""
from __future__ import annotations

import math
from typing import Dict

import torch

from wpt_core.models.model_config import RewardRulesConfig

SUB_SCORES = ("nc", "dac", "ttc", "ep", "comf")


def headings(points: torch.Tensor, speed_floor_mps: float = 0.0) -> torch.Tensor:
    """(…, K, 2) waypoints from the ego at the origin → (…, K) heading of each segment; a segment shorter than
    5 cm keeps the previous heading (0 at the start: the ego faces +x)."""
    previous = torch.cat([torch.zeros_like(points[..., :1, :]), points[..., :-1, :]], dim=-2)
    delta = points - previous
    raw = torch.atan2(delta[..., 1], delta[..., 0])
    moving = delta.norm(dim=-1) > 0.05
    out, last = [], torch.zeros_like(raw[..., 0])
    for k in range(points.shape[-2]):
        last = torch.where(moving[..., k], raw[..., k], last)
        out.append(last)
    return torch.stack(out, dim=-1)


def box_points(centres: torch.Tensor, yaw: torch.Tensor, config: RewardRulesConfig) -> torch.Tensor:
    """(…, 2) centres, (…,) yaw → (…, P, 2) points covering the ego box."""
    nl, nw = config.box_points
    lon = torch.linspace(-config.ego_length_m / 2, config.ego_length_m / 2, nl, device=centres.device)
    lat = torch.linspace(-config.ego_width_m / 2, config.ego_width_m / 2, nw, device=centres.device)
    local = torch.stack(torch.meshgrid(lon, lat, indexing="ij"), dim=-1).reshape(-1, 2)  # (P, 2)
    c, s = torch.cos(yaw)[..., None], torch.sin(yaw)[..., None]
    x = centres[..., None, 0] + c * local[:, 0] - s * local[:, 1]
    y = centres[..., None, 1] + s * local[:, 0] + c * local[:, 1]
    return torch.stack([x, y], dim=-1)


def lookup(raster: torch.Tensor, points: torch.Tensor, resolution_m: float, off_grid: bool) -> torch.Tensor:
    """raster (B, …grid dims at the end: H, W) bool sampled at points (B, M, 2) → (B, M) bool."""
    h, w = raster.shape[-2:]
    row = torch.floor(h / 2 - points[..., 0] / resolution_m).long()
    col = torch.floor(w / 2 + points[..., 1] / resolution_m).long()
    inside = (row >= 0) & (row < h) & (col >= 0) & (col < w)
    flat = raster.reshape(raster.shape[0], -1)
    index = (row.clamp(0, h - 1) * w + col.clamp(0, w - 1))
    value = torch.gather(flat, 1, index)
    return torch.where(inside, value, torch.full_like(value, off_grid))


def _hits(occupancy: torch.Tensor, points: torch.Tensor, step: torch.Tensor, resolution_m: float) -> torch.Tensor:
    """occupancy (B, K, H, W); points (B, N, K', P, 2), step k' checked against occupancy step `step[k']`
    → (B, N) true where any point of any step lands on an occupied cell."""
    b, n, kk, p, _ = points.shape
    grids = occupancy[:, step].reshape(b * kk, *occupancy.shape[-2:])
    hit = lookup(grids, points.permute(0, 2, 1, 3, 4).reshape(b * kk, n * p, 2), resolution_m, False)
    return hit.view(b, kk, n, p).any(dim=3).any(dim=1)


def comfort(candidates: torch.Tensor, speed: torch.Tensor, dt: float, config: RewardRulesConfig) -> torch.Tensor:
    """(B, N, K, 2) waypoints, (B, 1) current speed → (B, N) 1.0 where every comfort limit holds."""
    b, n = candidates.shape[:2]
    start = torch.zeros_like(candidates[:, :, :1])
    points = torch.cat([start, candidates], dim=2)  # origin first
    velocity = (points[:, :, 1:] - points[:, :, :-1]) / dt  # (B, N, K, 2)
    v0 = torch.zeros_like(velocity[:, :, :1])
    v0[..., 0] = speed.view(b, 1, 1).float()
    velocity = torch.cat([v0, velocity], dim=2)  # (B, N, K+1, 2), the current speed first
    yaw = torch.cat([torch.zeros_like(candidates[:, :, :1, 0]), headings(candidates)], dim=2)
    accel = (velocity[:, :, 1:] - velocity[:, :, :-1]) / dt
    tangent = torch.stack([torch.cos(yaw[:, :, 1:]), torch.sin(yaw[:, :, 1:])], dim=-1)
    normal = torch.stack([-tangent[..., 1], tangent[..., 0]], dim=-1)
    lon, lat = (accel * tangent).sum(-1), (accel * normal).sum(-1)
    jerk = (accel[:, :, 1:] - accel[:, :, :-1]).norm(dim=-1) / dt
    lon_jerk = (lon[:, :, 1:] - lon[:, :, :-1]) / dt
    yaw_rate = torch.remainder(yaw[:, :, 1:] - yaw[:, :, :-1] + math.pi, 2 * math.pi) - math.pi
    yaw_rate = yaw_rate / dt
    yaw_accel = (yaw_rate[:, :, 1:] - yaw_rate[:, :, :-1]) / dt
    ok = ((lon <= config.max_lon_accel) & (lon >= config.min_lon_accel) & (lat.abs() <= config.max_lat_accel)).all(-1)
    ok &= (jerk <= config.max_jerk).all(-1) & (lon_jerk.abs() <= config.max_lon_jerk).all(-1)
    ok &= (yaw_rate.abs() <= config.max_yaw_rate).all(-1) & (yaw_accel.abs() <= config.max_yaw_accel).all(-1)
    return ok.float()


def progress(candidates: torch.Tensor, config: RewardRulesConfig) -> torch.Tensor:
    """(B, N, K, 2) → (B, N) EP: path length over the best candidate's (1 when the best is below the minimum)."""
    points = torch.cat([torch.zeros_like(candidates[:, :, :1]), candidates], dim=2)
    length = (points[:, :, 1:] - points[:, :, :-1]).norm(dim=-1).sum(-1)
    best = length.max(dim=1, keepdim=True).values
    return torch.where(best > config.ep_min_progress_m, length / best.clamp(min=1e-6), torch.ones_like(length))


@torch.no_grad()
def sub_scores(candidates: torch.Tensor, occupancy: torch.Tensor, drivable: torch.Tensor, speed: torch.Tensor,
               dt: float, resolution_m: float, config: RewardRulesConfig) -> Dict[str, torch.Tensor]:
    """Every sub-score of SUB_SCORES, (B, N) float in [0, 1] (NC, DAC, TTC, Comf are 0/1)."""
    candidates = candidates.float()
    b, n, k, _ = candidates.shape
    yaw = headings(candidates)
    body = box_points(candidates, yaw, config)  # (B, N, K, P, 2)
    steps = torch.arange(k, device=candidates.device)
    nc = ~_hits(occupancy, body, steps, resolution_m)
    on_road = lookup(drivable, body.reshape(b, -1, 2), resolution_m, True).view(b, n, -1)
    dac = on_road.all(dim=-1)
    previous = torch.cat([torch.zeros_like(candidates[:, :, :1]), candidates[:, :, :-1]], dim=2)
    velocity = (candidates - previous) / dt
    ttc = nc.clone()
    for probe in config.ttc_probe_s:
        ahead = box_points(candidates + velocity * probe, yaw, config)
        later = (steps + int(round(probe / dt))).clamp(max=k - 1)
        ttc &= ~_hits(occupancy, ahead, later, resolution_m)
    return {"nc": nc.float(), "dac": dac.float(), "ttc": ttc.float(), "ep": progress(candidates, config),
            "comf": comfort(candidates, speed, dt, config)}
