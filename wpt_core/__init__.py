"""WPT: World-to-Policy Transfer via online world-model distillation, for closed-loop driving."""

__version__ = "0.1.0"
