from django.http import HttpRequest, HttpResponse


def results(request: HttpRequest) -> HttpResponse:
    return HttpResponse("search results")
