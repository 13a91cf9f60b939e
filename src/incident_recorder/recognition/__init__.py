"""Text recognition of captures and what is found in text: no Qt, no incident file.

`engine` turns an encoded image into words with boxes (Tesseract 5 via tesserocr), `words` holds
those values, `findings` looks for credentials and personal data in text (detect-secrets plugins
and our own lists in resources/). Storage keeps the results; the session runs the queue.
"""
