import pandas
from django.http import JsonResponse


def total(request):
    rate = float(request.GET["rate"])
    # ok: eval-of-request-data
    return JsonResponse({"total": float(pandas.eval("price * %f" % rate))})
