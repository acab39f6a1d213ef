from django.http import HttpRequest, HttpResponse


def list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("contacts list")


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("contacts detail")
