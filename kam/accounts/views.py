from django.http import HttpRequest, HttpResponse


def list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("accounts list")


def create(request: HttpRequest) -> HttpResponse:
    return HttpResponse("accounts create")


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("accounts detail")
