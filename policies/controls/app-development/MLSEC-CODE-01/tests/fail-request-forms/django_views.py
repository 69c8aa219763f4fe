import pandas
from django.http import JsonResponse


def formula(request):
    # ruleid: eval-of-request-data
    value = pandas.eval(request.GET["formula"])
    return JsonResponse({"value": value.tolist()})
