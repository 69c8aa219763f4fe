from fedml.core.dp import FedMLDifferentialPrivacy

FedMLDifferentialPrivacy.get_instance().init(args)
