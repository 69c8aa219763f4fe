import pandas
from django.http import JsonResponse


def total(request):
    # ruleid: eval-of-request-data
    return JsonResponse({"total": float(pandas.eval(request.GET["formula"]))})
