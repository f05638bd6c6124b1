# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""chime-sdk-voice base URL and paths.

Every path on the service's host goes to one dispatcher, which routes by the model's
``requestUri`` templates: operations it implements answer, other model operations get
501 NotImplementedException and paths the model does not have 404 UnknownOperationException
(JSON, never werkzeug's HTML 404).
"""

from .responses import ChimeSDKVoiceResponse

url_bases = [
    r"https?://voice-chime\.(.+)\.amazonaws\.com",
]

# [\s\S] and not ".": a decoded path may hold a newline (an id with control characters is a 400, not a 404).
url_paths = {
    r"{0}/(?P<path>[\s\S]*)$": ChimeSDKVoiceResponse.dispatch,
}
