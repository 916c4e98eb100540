"""Services: the application's queries and rules, one module per model.

A service raises the domain errors of `errors`, never HTTP ones; the application's exception
handlers answer them (404, 409, 422) in the error envelope.
"""
