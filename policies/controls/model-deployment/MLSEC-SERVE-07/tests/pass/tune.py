import ray

# ok: ray-init-dashboard-all-interfaces
ray.init(include_dashboard=True)
