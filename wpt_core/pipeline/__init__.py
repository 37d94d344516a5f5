"""The main job (`wpt pipeline`): the stages from expert clips to the WPT report, resumable stage by stage."""
