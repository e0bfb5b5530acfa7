"""The page of one step in the admin (a key task's 签收, a problem's 交办协调, ...): the
step's short form on the admin's frame, titled by the step and the object."""

from django.template.response import TemplateResponse


def step_page(model_admin, request, obj, *, template, title, form):
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "subtitle": str(obj),
            "opts": model_admin.opts,
            "original": obj,
            "form": form,
            "media": model_admin.media + form.media,
        },
    )
