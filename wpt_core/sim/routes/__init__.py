"""Routes on a town: the lane path and dense plan of a route file's route, scenario sites and the route
generator."""
