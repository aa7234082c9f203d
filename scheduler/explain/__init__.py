"""Why a request is not served, in both languages.

``words`` holds every reason's text, in Spanish and English, in one table
(and the phrases it is made of: opening hours, a stay, dates); ``static``
finds the fact that rules a request out whatever else is planned, by
elimination in the order a coordinator fixes things; ``outcompeted``
names what a request that fits alone lost to and the smallest change that
would serve it. ``scheduler.reasons`` puts them together for a schedule.
"""
