"""Posting an admin form the way a browser would: what the page shows, with changes."""


def admin_form_data(response, **overrides):
    """The POST data of an admin change or add form as the page shows it, with overrides.

    An override of ``None`` removes the field (an unticked box, an emptied select).
    """
    data = {}

    def put(bound_field):
        value = bound_field.value()
        if value is None or value is False:
            return
        if value is True:
            data[bound_field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound_field.html_name] = [str(v) for v in value]
        elif hasattr(value, "isoformat"):
            data[bound_field.html_name] = value.isoformat()
        else:
            data[bound_field.html_name] = str(value)

    for bound_field in response.context["adminform"].form:
        put(bound_field)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound_field in formset.management_form:
            put(bound_field)
        for form in formset.forms:
            for bound_field in form:
                put(bound_field)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
