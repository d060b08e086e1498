from models.dispatch.customer import Customer  # noqa: F401
from models.dispatch.job import Job, JobNote, JobStatusHistory  # noqa: F401
from models.dispatch.photo import JobPhoto  # noqa: F401
from models.dispatch.project import Project, ProjectStatusHistory  # noqa: F401
from models.dispatch.technician import Technician, TechnicianSkill  # noqa: F401
