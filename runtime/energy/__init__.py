"""Energy sensing, accounting and context-aware reconfiguration of the runtime (after CARMA).

Read ``host_sensors`` / the device's ``Sensors``, account joules per span in ``accounting``, and
let ``policy.ReconfigPolicy`` pick a ``config_space.RuntimeConfig`` that ``switcher`` applies
between steps.
"""
