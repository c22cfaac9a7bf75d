from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("notify/", views.notify, name="notify"),
    path("orders/<str:number>/checkout/", views.checkout, name="checkout"),
    path("orders/<str:number>/cashier/", views.cashier, name="cashier"),
    path("orders/<str:number>/counter/", views.counter_payment, name="counter"),
    path("orders/<str:number>/refund/", views.refund, name="refund"),
    path("orders/<str:number>/receipt.pdf", views.receipt, name="receipt"),
]
