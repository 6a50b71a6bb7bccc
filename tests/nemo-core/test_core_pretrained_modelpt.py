"""End to end: a real ModelPT saved with save_to, served over HTTP, fetched by from_pretrained."""

from __future__ import annotations

import torch
from core_test_models import TinyRegression, tiny_config
from core_test_pretrained import quiet_network_env, serving, sha256, zoo_plugin

from nemo.core import plugins
from nemo.core.classes import ModelPT


def test_from_pretrained_on_modelpt_restores_a_saved_model(plugin_site, tmp_path, monkeypatch):
    quiet_network_env(monkeypatch, tmp_path / "env-cache")
    torch.manual_seed(0)
    saved = TinyRegression(cfg=tiny_config())
    archive = tmp_path / "tiny_regression.nemo"
    saved.save_to(archive)
    data = archive.read_bytes()

    with serving({"tiny_regression.nemo": data}) as server:
        entry = {
            "name": "tiny_regression_en",
            "class_": "core_test_models:TinyRegression",
            "location": server.url("tiny_regression.nemo"),
            "sha256": sha256(data),
            "size": len(data),
            "description": "y = sum(x)",
        }
        plugin_site(
            "nemo-regression-zoo",
            plugins={"zoo": "regression_zoo_plugin"},
            modules={"regression_zoo_plugin": zoo_plugin([entry])},
        )
        plugins.refresh()
        cache = tmp_path / "cache"

        assert "tiny_regression_en" in ModelPT.get_available_model_names()
        assert TinyRegression.get_available_model_names() == ["tiny_regression_en"]
        restored = ModelPT.from_pretrained("tiny_regression_en", cache_dir=cache)
        again = TinyRegression.from_pretrained(
            "tiny_regression_en", cache_dir=cache, map_location="cpu"
        )
        config = ModelPT.from_pretrained("tiny_regression_en", cache_dir=cache, return_config=True)

    assert type(restored) is TinyRegression
    assert len(server.gets("tiny_regression.nemo")) == 1
    for model in (restored, again):
        for name, tensor in saved.state_dict().items():
            assert torch.equal(model.state_dict()[name], tensor), name
    assert config.net.n_in == 4
