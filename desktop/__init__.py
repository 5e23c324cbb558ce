"""Policy Desk (惠企政策通): offline policy matching for Beijing companies."""

__version__ = "0.1.0"
