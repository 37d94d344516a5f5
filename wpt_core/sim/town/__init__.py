"""The static map: a SUMO network in CARLA's frame (lanes, junctions, routing), its ground raster,
CARLA-style road ids, the SUMO↔CARLA frame conversions, and building or converting town files."""
