"""Questions on the booking form: what a host asks each invitee of an event type (short or
long text, a single or multiple choice, a checkbox), and the guests an invitee may bring.

The host's questions are rows (`Question`), ordered by the host. An invitee's answers are
kept on their booking as it was asked (`Booking.answers`: each question's label, kind and
the answer), so editing or removing a question later never changes what a booking says;
a seat in a group session has its own. They show in the host's email and on the booking's
page, and a one-on-one video meeting made for it carries them in its agenda (`locations.py`).
"""
