"""HiFi-GAN vocoder (NeMo's ``HifiGanModel``): adversarial training, mel L1 x 45.

Two optimizers (generator, discriminators), stepped by hand each batch (Lightning's manual
optimization). ``preprocessor`` is the mel definition the vocoder inverts: it must match the
spectrogram generator's (``convert_spectrogram_to_audio`` checks the number of bins).
"""

from __future__ import annotations

from typing import Any

import pytorch_lightning as pl
import torch
from omegaconf import DictConfig

from nemo.collections.tts.data.vocoder_dataset import VocoderDataset
from nemo.collections.tts.losses.hifigan_losses import (
    DiscriminatorLoss,
    FeatureMatchingLoss,
    GeneratorLoss,
)
from nemo.collections.tts.models._frontend import (
    MelFrontEnd,
    dataloader_from_config,
    mean_of_outputs,
)
from nemo.collections.tts.models.base import Vocoder, check_mel_channels
from nemo.collections.tts.modules.hifigan_modules import (
    MultiPeriodDiscriminator,
    MultiScaleDiscriminator,
)
from nemo.core.classes import typecheck
from nemo.core.neural_types import AudioSignal, MelSpectrogramType, NeuralType
from nemo.core.optim import get_optimizer

__all__ = ["HifiGanModel"]


class HifiGanModel(Vocoder):
    def __init__(self, cfg: DictConfig | dict[str, Any], trainer: pl.Trainer | None = None):
        super().__init__(cfg=cfg, trainer=trainer)
        self.automatic_optimization = False
        self.audio_to_melspec_precessor = self.from_config_dict(self._cfg.preprocessor)
        self.generator = self.from_config_dict(self._cfg.generator)
        # discriminator_max_channels: 1024 is NeMo's (and the paper's) size; smaller trains on CPU
        width = int(self._cfg.get("discriminator_max_channels", 1024))
        self.mpd = MultiPeriodDiscriminator(max_channels=width)
        self.msd = MultiScaleDiscriminator(max_channels=width)
        self.feature_loss = FeatureMatchingLoss()
        self.discriminator_loss = DiscriminatorLoss()
        self.generator_loss = GeneratorLoss()
        self.l1_factor = float(self._cfg.get("l1_loss_factor", 45.0))
        hop = self.mel.hop_length
        if self.generator.hop_length != hop:
            raise ValueError(
                f"the generator upsamples by {self.generator.hop_length} (product of "
                f"upsample_rates) but the mel hop is {hop}: make them equal"
            )

    @property
    def mel(self) -> MelFrontEnd:
        return MelFrontEnd(self.audio_to_melspec_precessor)

    def _mel_of(self, audio: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        mel, mel_lens = self.audio_to_melspec_precessor(input_signal=audio, length=lengths)
        cropped: torch.Tensor = mel[:, :, : int(mel_lens.max())]
        return cropped

    @typecheck(
        input_types={"spec": NeuralType(("B", "D", "T_spec"), MelSpectrogramType())},
        output_types={"audio": NeuralType(("B", "T_audio"), AudioSignal())},
    )
    def convert_spectrogram_to_audio(self, spec: torch.Tensor, **kwargs: Any) -> torch.Tensor:
        check_mel_channels(spec, self.mel.n_mels, type(self).__name__)
        was_training = self.training
        self.eval()
        try:
            with torch.no_grad():
                audio: torch.Tensor = self.generator(spec.to(self.device)).squeeze(1)
        finally:
            self.train(was_training)
        return audio

    # -- data --------------------------------------------------------------------------------------

    def _dataset(self, config: Any, segments: int | None) -> VocoderDataset:
        dataset_cfg = config.get("dataset", config)
        return VocoderDataset(
            dataset_cfg.manifest_filepath,
            self._cfg.sample_rate,
            n_segments=segments,
            max_duration=dataset_cfg.get("max_duration"),
            min_duration=dataset_cfg.get("min_duration"),
        )

    def setup_training_data(self, train_data_config: Any) -> None:
        segments = int(train_data_config.get("dataset", train_data_config).get("n_segments", 8192))
        self._train_dl = dataloader_from_config(
            self._dataset(train_data_config, segments), train_data_config, shuffle=True
        )

    def setup_validation_data(self, val_data_config: Any) -> None:
        self._validation_dl = dataloader_from_config(
            self._dataset(val_data_config, None), val_data_config, shuffle=False
        )

    # -- optimization ------------------------------------------------------------------------------

    def configure_optimizers(self) -> Any:
        optim = self._cfg.optim
        params = {k: v for k, v in optim.items() if k not in ("name", "sched")}
        generator = get_optimizer(optim.name, **params)(self.generator.parameters())
        discriminator = get_optimizer(optim.name, **params)(
            list(self.mpd.parameters()) + list(self.msd.parameters())
        )
        gamma = float((optim.get("sched") or {}).get("gamma", 0.999))
        schedulers = [
            torch.optim.lr_scheduler.ExponentialLR(o, gamma) for o in (generator, discriminator)
        ]
        return [generator, discriminator], [
            {"scheduler": s, "interval": "epoch"} for s in schedulers
        ]

    def training_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> None:
        opt_g, opt_d = self.optimizers()  # type: ignore[attr-defined]
        audio = batch["audio"]
        with torch.no_grad():
            mel = self._mel_of(audio, batch["audio_lens"])
        audio = audio[:, : mel.shape[2] * self.mel.hop_length].unsqueeze(1)
        audio_pred = self.generator(mel)

        real_mpd, fake_mpd, _, _ = self.mpd(audio, audio_pred.detach())
        real_msd, fake_msd, _, _ = self.msd(audio, audio_pred.detach())
        loss_d = self.discriminator_loss(real_mpd, fake_mpd) + self.discriminator_loss(
            real_msd, fake_msd
        )
        opt_d.zero_grad()
        self.manual_backward(loss_d)
        opt_d.step()

        lengths = torch.full((len(audio),), audio.shape[2], device=audio.device)
        mel_pred = self._mel_of(audio_pred.squeeze(1), lengths)
        loss_mel = torch.nn.functional.l1_loss(mel_pred, mel)
        _, fake_mpd, fmap_real_mpd, fmap_fake_mpd = self.mpd(audio, audio_pred)
        _, fake_msd, fmap_real_msd, fmap_fake_msd = self.msd(audio, audio_pred)
        loss_fm = self.feature_loss(fmap_real_mpd, fmap_fake_mpd) + self.feature_loss(
            fmap_real_msd, fmap_fake_msd
        )
        loss_gen = self.generator_loss(fake_mpd) + self.generator_loss(fake_msd)
        loss_g = loss_gen + 2 * loss_fm + self.l1_factor * loss_mel
        opt_g.zero_grad()
        self.manual_backward(loss_g)
        opt_g.step()
        self.log_dict(
            {"g_loss": loss_g.detach(), "d_loss": loss_d.detach(), "g_l1_loss": loss_mel.detach()},
            prog_bar=True,
            batch_size=len(audio),
        )

    def on_train_epoch_end(self) -> None:
        for scheduler in self.lr_schedulers() or []:  # type: ignore[union-attr]
            scheduler.step()

    def validation_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> dict[str, Any]:
        mel = self._mel_of(batch["audio"], batch["audio_lens"])
        audio_pred = self.generator(mel).squeeze(1)
        lengths = torch.full((len(audio_pred),), audio_pred.shape[1], device=audio_pred.device)
        mel_pred = self._mel_of(audio_pred, lengths)[:, :, : mel.shape[2]]
        frames = torch.arange(mel.shape[2], device=mel.device)[None, None, :]
        valid = frames < (batch["audio_lens"] // self.mel.hop_length)[:, None, None]
        loss = ((mel_pred - mel).abs() * valid).sum() / (valid.sum() * mel.shape[1])
        writer = getattr(getattr(self, "logger", None), "experiment", None)
        if batch_idx == 0 and writer is not None and hasattr(writer, "add_audio"):
            n = int(batch["audio_lens"][0])
            writer.add_audio(
                "val_generated",
                audio_pred[0, :n].clamp(-1, 1).cpu(),
                self.global_step,
                sample_rate=self._cfg.sample_rate,
            )
        return {"val_loss": loss.detach()}

    def multi_validation_epoch_end(
        self, outputs: list[Any], dataloader_idx: int = 0
    ) -> dict[str, Any] | None:
        return mean_of_outputs(outputs)
