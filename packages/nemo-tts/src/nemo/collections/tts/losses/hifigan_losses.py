"""HiFi-GAN's least-squares GAN losses and feature matching (NeMo's class names)."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["DiscriminatorLoss", "FeatureMatchingLoss", "GeneratorLoss"]


class FeatureMatchingLoss(nn.Module):
    """L1 between the discriminators' hidden features of real and generated audio."""

    def forward(
        self, fmap_r: list[list[torch.Tensor]], fmap_g: list[list[torch.Tensor]]
    ) -> torch.Tensor:
        loss = torch.zeros(())
        for real_layers, fake_layers in zip(fmap_r, fmap_g, strict=True):
            for real, fake in zip(real_layers, fake_layers, strict=True):
                loss = loss + torch.mean(torch.abs(real.detach() - fake))
        return loss


class DiscriminatorLoss(nn.Module):
    """Real scores towards 1, generated towards 0."""

    def forward(
        self, disc_real_outputs: list[torch.Tensor], disc_generated_outputs: list[torch.Tensor]
    ) -> torch.Tensor:
        loss = torch.zeros(())
        for real, fake in zip(disc_real_outputs, disc_generated_outputs, strict=True):
            loss = loss + torch.mean((1 - real) ** 2) + torch.mean(fake**2)
        return loss


class GeneratorLoss(nn.Module):
    """Generated scores towards 1."""

    def forward(self, disc_outputs: list[torch.Tensor]) -> torch.Tensor:
        loss = torch.zeros(())
        for fake in disc_outputs:
            loss = loss + torch.mean((1 - fake) ** 2)
        return loss
