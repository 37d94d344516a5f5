"""Bench2Drive-layout data: rig geometry (rig), clip names/paths (clip_layout), per-frame annotations
(annotation, route_info, actor_ids, weather), depth encoding (depth), expert assessments (expert_assessment),
crash-safe clip writing and reading (clip_writer, clip_reader), the recorder both collectors use (recorder),
labels from annotations (labels), dataset statistics (stats) and CARLA leaderboard records (expert_records)."""
