import dataclasses


def with_sensors(profile, **changes):
    """The profile with other sensor settings (camera-only, LiDAR-only) or another encoder input mode."""
    mode = changes.pop("input_mode", None)
    data = dataclasses.replace(profile.data, sensors=dataclasses.replace(profile.data.sensors, **changes))
    model = profile.model if mode is None else dataclasses.replace(
        profile.model, encoder=dataclasses.replace(profile.model.encoder, input_mode=mode))
    return dataclasses.replace(profile, data=data, model=model)
