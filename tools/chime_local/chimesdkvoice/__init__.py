# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Amazon Chime SDK Voice backend for moto, in moto's service layout (models, responses, urls, exceptions)."""

from .models import chimesdkvoice_backends  # noqa: F401
