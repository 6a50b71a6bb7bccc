"""PretrainedModelInfo, and which checkpoints a class lists, without importing unrelated code."""

from __future__ import annotations

import sys

import pytest
from core_test_pretrained import TINY_MODELS, zoo_plugin

from nemo.core import plugins
from nemo.core.classes._pretrained import PretrainedMixin
from nemo.core.plugins import PluginWarning, UnknownNameError
from nemo.core.pretrained import (
    PretrainedModelInfo,
    PretrainedModelNotFoundError,
    get_pretrained_info,
    list_pretrained,
)

NEVER_IMPORT = "raise ImportError('this module must not be imported by listing')\n"


def _entry(name, class_, **fields):
    return {"name": name, "class_": class_, "location": f"/nowhere/{name}.nemo", **fields}


def _zoo(plugin_site, models_dir=None):
    """Three distributions: a base collection, one that extends it, one unrelated to it.

    With ``models_dir``, base_en and child_en are real files there holding their names.
    """
    local = {}
    if models_dir is not None:
        for name in ("base_en", "child_en"):
            (models_dir / f"{name}.nemo").write_text(name)
            local[name] = {"location": str(models_dir / f"{name}.nemo")}
    plugin_site(
        "nemo-zoo-base",
        plugins={"base": "zoo_base.plugin"},
        modules={
            "zoo_base.__init__": "",
            "zoo_base.models": TINY_MODELS,
            "zoo_base.plugin": zoo_plugin(
                [
                    _entry(
                        "base_en",
                        "zoo_base.models:TinyModel",
                        aliases=["base_english"],
                        **local.get("base_en", {}),
                    ),
                    _entry(
                        "child_en",
                        "zoo_base.models:TinyChild",
                        license="CC-BY-4.0",
                        **local.get("child_en", {}),
                    ),
                ]
            ),
        },
    )
    plugin_site(
        "nemo-zoo-extra",
        requires=["nemo-zoo-base>=1"],
        plugins={"extra": "zoo_extra.plugin"},
        modules={
            "zoo_extra.__init__": "",
            "zoo_extra.models": "from zoo_base.models import TinyModel\n"
            "class ExtraModel(TinyModel):\n    pass\n",
            "zoo_extra.plugin": zoo_plugin([_entry("extra_en", "zoo_extra.models:ExtraModel")]),
        },
    )
    plugin_site(
        "nemo-zoo-other",
        plugins={"other": "zoo_other.plugin"},
        modules={
            "zoo_other.__init__": "",
            "zoo_other.models": NEVER_IMPORT,
            "zoo_other.plugin": zoo_plugin(
                [
                    _entry("other_en", "zoo_other.models:OtherModel"),
                    # a checkpoint of another distribution's class: listed with that class
                    _entry("child_de", "zoo_base.models:TinyChild"),
                ]
            ),
        },
    )
    plugins.refresh()


def test_info_keeps_nemo_ordering_equality_and_hash():
    a = PretrainedModelInfo("a_model", "first", "https://host/a.nemo")
    b = PretrainedModelInfo("b_model", "second", "https://host/b.nemo")
    a_mirror = PretrainedModelInfo("a_mirror", "", "https://host/a.nemo")
    a_moved = PretrainedModelInfo("a_model", "", "https://elsewhere/a.nemo")

    assert sorted([b, a]) == [a, b]
    assert a < b and b > a and a <= a_moved
    assert a == a_mirror  # same location
    assert a == a_moved  # same name (NeMo's rule)
    assert a != b
    assert hash(a) == hash(a_mirror)
    assert len({a, a_mirror, b}) == 2  # sets dedupe by location
    assert a != "a_model"


def test_info_reads_its_class_lazily_and_names_the_provider_when_it_cannot(plugin_site):
    _zoo(plugin_site)
    info = get_pretrained_info("other_en")
    assert info.provider == "nemo-zoo-other"
    assert info.class_ref == "zoo_other.models:OtherModel"
    assert "OtherModel" in repr(info)
    assert "zoo_other.models" not in sys.modules
    with pytest.raises(ImportError, match=r"registered by nemo-zoo-other.*Reinstall or upgrade"):
        _ = info.class_

    child = get_pretrained_info("child_en")
    assert child.class_.__name__ == "TinyChild"
    assert child.extra == {"license": "CC-BY-4.0"}
    assert child.aliases == []


def test_info_rejects_a_malformed_digest_or_size_naming_the_model():
    with pytest.raises(ValueError, match=r"'bad_en'.*sha256 must be 64 hexadecimal digits"):
        PretrainedModelInfo("bad_en", "", "/m.nemo", sha256="abc")
    with pytest.raises(ValueError, match=r"size must be a number of bytes"):
        PretrainedModelInfo("bad_en", "", "/m.nemo", size="12")
    with pytest.raises(ValueError, match=r"location must be a non-empty string"):
        PretrainedModelInfo("bad_en", "", "")
    upper = PretrainedModelInfo("ok_en", "", "/m.nemo", sha256="AB" * 32)
    assert upper.sha256 == "ab" * 32


def test_a_class_lists_its_own_and_its_subclasses_checkpoints_only(plugin_site):
    _zoo(plugin_site)
    from zoo_base.models import TinyChild, TinyModel

    assert TinyModel.get_available_model_names() == ["base_en", "child_de", "child_en", "extra_en"]
    assert TinyChild.get_available_model_names() == ["child_de", "child_en"]
    assert "zoo_extra.models" in sys.modules  # a dependent distribution: imported to check
    assert "zoo_other.models" not in sys.modules  # unrelated: never imported

    listed = TinyModel.list_available_models()
    assert all(isinstance(info, PretrainedModelInfo) for info in listed)
    assert {info.provider for info in listed} == {
        "nemo-zoo-base",
        "nemo-zoo-extra",
        "nemo-zoo-other",
    }


def test_nemo_core_classes_list_every_checkpoint_without_importing_any(plugin_site):
    _zoo(plugin_site)
    names = PretrainedMixin.get_available_model_names()
    assert {"base_en", "child_de", "child_en", "extra_en", "other_en"} <= set(names)
    for module in ("zoo_base.models", "zoo_extra.models", "zoo_other.models"):
        assert module not in sys.modules
    assert [i.pretrained_model_name for i in list_pretrained(pattern="child_*")] == [
        "child_de",
        "child_en",
    ]


def test_a_candidate_class_that_cannot_be_imported_is_reported_and_left_out(plugin_site):
    _zoo(plugin_site)
    plugin_site(
        "nemo-zoo-broken",
        requires=["nemo-zoo-base"],
        plugins={"broken": "zoo_broken.plugin"},
        modules={
            "zoo_broken.__init__": "",
            "zoo_broken.models": NEVER_IMPORT,
            "zoo_broken.plugin": zoo_plugin([_entry("broken_en", "zoo_broken.models:Broken")]),
        },
    )
    plugins.refresh()
    from zoo_base.models import TinyModel

    with pytest.warns(PluginWarning, match=r"cannot tell whether pretrained model 'broken_en'"):
        names = TinyModel.get_available_model_names()
    assert "broken_en" not in names
    assert "base_en" in names


def test_from_pretrained_on_a_base_class_restores_with_the_registered_class(plugin_site, tmp_path):
    _zoo(plugin_site, models_dir=tmp_path)
    from zoo_base.models import TinyChild, TinyModel

    child = TinyModel.from_pretrained("child_en")
    assert type(child) is TinyChild
    assert child.path == str(tmp_path / "child_en.nemo")  # a local path: used in place
    assert child.payload == b"child_en"
    assert type(PretrainedMixin.from_pretrained("base_en")) is TinyModel
    assert type(TinyChild.from_pretrained("child_en")) is TinyChild

    with pytest.raises(FileNotFoundError, match=r"/nowhere/child_de\.nemo', which does not exist"):
        TinyChild.from_pretrained("child_de")


def test_from_pretrained_finds_aliases_and_suggests_close_names(plugin_site):
    _zoo(plugin_site)
    from zoo_base.models import TinyChild, TinyModel

    assert get_pretrained_info("base_english").pretrained_model_name == "base_en"
    assert get_pretrained_info("BASE_EN").pretrained_model_name == "base_en"

    with pytest.raises(PretrainedModelNotFoundError) as caught:
        TinyModel.from_pretrained("base_eng")
    assert isinstance(caught.value, FileNotFoundError)  # as in NeMo
    assert isinstance(caught.value, UnknownNameError)
    assert "unknown pretrained model 'base_eng'" in str(caught.value)
    assert "Did you mean: 'base_en'" in str(caught.value)

    with pytest.raises(PretrainedModelNotFoundError) as caught:
        TinyChild.from_pretrained("base_en")
    message = str(caught.value)
    assert "restores zoo_base.models:TinyModel, which is not TinyChild or a subclass" in message
    assert "Pretrained models of TinyChild: child_de, child_en." in message


def test_a_nemo_style_class_listing_its_own_infos_is_looked_up_there(tmp_path):
    checkpoint = tmp_path / "handmade.nemo"
    checkpoint.write_bytes(b"weights")

    class Handmade(PretrainedMixin):
        @classmethod
        def list_available_models(cls):
            return [
                PretrainedModelInfo("handmade_en", "by hand", str(checkpoint), aliases=["handmade"])
            ]

        @classmethod
        def restore_from(cls, restore_path, **kwargs):
            restored = cls()
            restored.called_with = (restore_path, kwargs["strict"])
            return restored

    assert Handmade.get_available_model_names() == ["handmade_en"]
    restored = Handmade.from_pretrained("handmade", strict=False)
    assert type(restored) is Handmade
    assert restored.called_with == (str(checkpoint), False)
    with pytest.raises(PretrainedModelNotFoundError, match=r"Did you mean: 'handmade_en'"):
        Handmade.from_pretrained("handmad_en")


def test_a_class_without_checkpoints_lists_an_empty_list(plugin_site):
    _zoo(plugin_site)

    class Lonely(PretrainedMixin):
        pass

    assert Lonely.list_available_models() == []
    assert Lonely.get_available_model_names() == []


def test_a_malformed_registration_is_reported_and_left_out_of_listings(plugin_site):
    plugin_site(
        "nemo-sloppy",
        plugins={"sloppy": "sloppy_plugin"},
        modules={
            "sloppy_plugin": zoo_plugin(
                [
                    _entry("sloppy_zz1", "sloppy_models:Model", sha256="not-a-digest"),
                    _entry("tidy_zz1", "sloppy_models:Model"),
                ]
            )
        },
    )
    plugins.refresh()
    with pytest.warns(PluginWarning, match=r"'sloppy_zz1' \(registered by nemo-sloppy\): sha256"):
        names = [info.pretrained_model_name for info in list_pretrained(pattern="*_zz1")]
    assert names == ["tidy_zz1"]
    with pytest.raises(ValueError, match=r"'sloppy_zz1' \(registered by nemo-sloppy\)"):
        get_pretrained_info("sloppy_zz1")
