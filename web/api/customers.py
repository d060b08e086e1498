from flask.views import MethodView
from sqlalchemy import select

from models.core.db import db
from models.core.tenancy import get_or_404
from models.dispatch import Customer
from models.dispatch.customer import CUSTOMERS
from web.auth import requires
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import paginate
from web.schemas.customers import CustomerInputSchema, CustomerListArgsSchema, CustomerSchema, CustomerUpdateSchema

blp = Blueprint("customers", __name__, url_prefix="/api/v1/customers", description="Customers of field work")


@blp.route("")
class Customers(MethodView):
    @requires("jobs:read")
    @blp.arguments(CustomerListArgsSchema, location="query")
    @blp.paginated(CustomerSchema)
    def get(self, args):
        """List customers.

        Filters: `city`, `created_from`, `created_to`; `q` searches the name, contact person, email,
        phone and address."""
        return paginate(select(Customer), args, CUSTOMERS)

    @requires("jobs:write")
    @blp.arguments(CustomerInputSchema)
    @blp.response(201, CustomerSchema)
    def post(self, body):
        """Add a customer."""
        customer = Customer(**body)
        db.session.add(customer)
        db.session.flush()  # its id, for Location
        return created(customer, f"{blp.url_prefix}/{customer.id}")


@blp.route("/<int:customer_id>")
class CustomerDetail(MethodView):
    @requires("jobs:read")
    @blp.response(200, CustomerSchema)
    def get(self, customer_id):
        """One customer."""
        return get_or_404(Customer, customer_id, "Customer")

    @requires("jobs:write")
    @blp.arguments(CustomerUpdateSchema)
    @blp.response(200, CustomerSchema)
    def patch(self, body, customer_id):
        """Edit a customer's details."""
        customer = get_or_404(Customer, customer_id, "Customer")
        for name, value in body.items():
            setattr(customer, name, value)
        return customer
