from django.http import HttpRequest, HttpResponse


def exports(request: HttpRequest) -> HttpResponse:
    return HttpResponse("audit exports")
