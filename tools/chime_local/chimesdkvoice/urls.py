# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""chime-sdk-voice base URL and paths.

Every path under ``/voice-connectors`` goes to one dispatcher; the response class
routes by method and path using the botocore model's ``requestUri`` templates.
"""

from .responses import ChimeSDKVoiceResponse

url_bases = [
    r"https?://voice-chime\.(.+)\.amazonaws\.com",
]

url_paths = {
    "{0}/voice-connectors$": ChimeSDKVoiceResponse.dispatch,
    "{0}/voice-connectors/(?P<path>.*)$": ChimeSDKVoiceResponse.dispatch,
}
