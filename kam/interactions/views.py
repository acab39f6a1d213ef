from django.http import HttpRequest, HttpResponse


def list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("interactions list")


def create(request: HttpRequest) -> HttpResponse:
    return HttpResponse("interactions create")


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("interactions detail")
